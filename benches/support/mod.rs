//! Synthetic inputs for the benchmarks (`benches/pipeline.rs`) and the
//! comparison script (`bench/compare.sh`, through `examples/synthetic.rs`):
//! generated on demand, never committed.

use std::fmt::Write;
use std::path::Path;

/// A Compose file with `n` services (and a database), written the way
/// large real projects are: shared blocks through anchors and merge keys,
/// short and long syntax, every service depending on the previous one and
/// on the database, environment variables naming other services, ports,
/// volumes and networks. It exercises the rules that compare services with
/// each other (port conflicts, container names, the dependency graph, host
/// names) at scale, and gives a few findings per service.
pub fn compose(n: usize) -> String {
    let mut t = String::with_capacity(n * 900 + 1024);
    t.push_str(
        "name: synthetic\n\
         x-logging: &logging\n  driver: json-file\n  options:\n    max-size: 10m\n    max-file: \"3\"\n\
         x-env: &env\n  TZ: UTC\n  LOG_LEVEL: info\n\
         x-healthcheck: &healthcheck\n  interval: 30s\n  timeout: 5s\n  retries: 3\n  start_period: 10s\n\
         services:\n\
         \x20 db:\n    image: postgres:16.4\n    restart: unless-stopped\n    logging: *logging\n\
         \x20   environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n    secrets: [db]\n\
         \x20   volumes:\n      - db-data:/var/lib/postgresql/data\n    networks: [back]\n\
         \x20   healthcheck:\n      <<: *healthcheck\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]\n",
    );
    for i in 0..n {
        let tag = if i.is_multiple_of(25) {
            "latest".to_string()
        } else {
            format!("1.{}.{}", i % 10, i % 7)
        };
        writeln!(t, "  svc{i}:").unwrap();
        writeln!(
            t,
            "    image: registry.example.com/team/app{}:{tag}",
            i % 50
        )
        .unwrap();
        writeln!(t, "    container_name: app-{i}").unwrap();
        t.push_str("    restart: unless-stopped\n    logging: *logging\n");
        t.push_str("    environment:\n      <<: *env\n");
        writeln!(t, "      SERVICE_ID: \"{i}\"").unwrap();
        t.push_str("      DATABASE_URL: postgres://db:5432/app\n");
        if i > 0 {
            writeln!(t, "      UPSTREAM: http://svc{}:8080/api", i - 1).unwrap();
        }
        t.push_str("    ports:\n");
        writeln!(t, "      - \"127.0.0.1:{}:8080\"", 10_000 + i % 50_000).unwrap();
        if i.is_multiple_of(100) {
            // Every hundredth service publishes the same port: a conflict.
            t.push_str(
                "      - target: 9090\n        published: \"9090\"\n        protocol: tcp\n",
            );
        }
        t.push_str("    expose: [\"9100\"]\n    volumes:\n");
        writeln!(t, "      - data{i}:/var/lib/app").unwrap();
        writeln!(
            t,
            "      - ./config/app{}.yml:/etc/app/config.yml:ro",
            i % 10
        )
        .unwrap();
        t.push_str("      - type: tmpfs\n        target: /tmp\n");
        t.push_str("    networks: [front, back]\n    depends_on:\n      db:\n        condition: service_healthy\n");
        if i > 0 {
            writeln!(t, "      svc{}:\n        condition: service_started", i - 1).unwrap();
        }
        t.push_str(
            "    healthcheck:\n      <<: *healthcheck\n      test: [\"CMD\", \"wget\", \"-qO-\", \"http://localhost:8080/health\"]\n",
        );
        t.push_str("    deploy:\n      resources:\n        limits:\n          cpus: \"0.50\"\n          memory: 512M\n");
        if i.is_multiple_of(3) {
            t.push_str("    security_opt: [\"no-new-privileges:true\"]\n    read_only: true\n    cap_drop: [ALL]\n");
        }
        writeln!(t, "    user: \"{}:1000\"", 1000 + i % 10).unwrap();
        writeln!(t, "    labels:\n      com.example.service: svc{i}").unwrap();
    }
    t.push_str("networks:\n  front:\n  back:\n    internal: true\nsecrets:\n  db:\n    file: ./db.txt\nvolumes:\n  db-data:\n");
    for i in 0..n {
        writeln!(t, "  data{i}:").unwrap();
    }
    t
}

/// A small project file, varied by `i`.
pub fn small(i: usize) -> String {
    format!(
        "services:\n  web:\n    image: nginx:1.{}\n    ports:\n      - \"{}:80\"\n    depends_on:\n      - api\n  api:\n    image: example/api:{}\n    environment:\n      DB: postgres://db:5432/app\n    restart: always\n",
        i % 30,
        8000 + i % 1000,
        if i.is_multiple_of(7) { "latest" } else { "2.1" },
    )
}

/// A tree of `dirs` directories holding five Compose files each: a base
/// file and its override (linted as one project), a production and a
/// development variant and a `*.compose.yaml`; every tenth directory has a
/// `.dockmaster.yml`. `dirs = 2000` makes 10,000 files.
pub fn tree(root: &Path, dirs: usize) -> std::io::Result<usize> {
    let mut files = 0;
    for d in 0..dirs {
        let dir = root
            .join(format!("group{}", d / 100))
            .join(format!("app{d}"));
        std::fs::create_dir_all(&dir)?;
        for (k, name) in [
            "compose.yaml",
            "compose.override.yaml",
            "docker-compose.prod.yml",
            "docker-compose.dev.yml",
            "worker.compose.yaml",
        ]
        .iter()
        .enumerate()
        {
            std::fs::write(dir.join(name), small(d * 5 + k))?;
            files += 1;
        }
        if d.is_multiple_of(10) {
            std::fs::write(dir.join(".dockmaster.yml"), "rules:\n  image-digest: off\n")?;
        }
    }
    Ok(files)
}
