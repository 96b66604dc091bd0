//! Compose's own loader fixtures (`../shared/corpus/compose-go`, from
//! compose-spec/compose-go) as a table: for each fixture that tests
//! interpolation, `.env` files, `extends`, `include` or merging, what
//! Compose does (from the compose-go test that loads it) and what dockmaster
//! reports: its correctness findings, and the effective values the test
//! asserts, each with the file, line and column that supplied it.
//!
//! Every row is asserted; the whole table is also a snapshot
//! (`tests/snapshots/compose_go__the_table.snap`) to read side by side.
//! Skipped with a notice when the corpus is absent.

mod common;

use std::path::{Path, PathBuf};

use dockmaster::load::env::EnvOptions;
use dockmaster::load::{Input, LoadOptions, Value, load_project_with};
use dockmaster::model::{self, Project};
use dockmaster::rules::{Category, Preset, Settings};

struct Case {
    /// The fixture file(s), relative to the corpus's `compose-go` folder,
    /// merged in order like `-f`.
    files: &'static [&'static str],
    /// A main file the compose-go test writes inline: its path (relative to
    /// `compose-go`, where the test's relative paths start) and text. It is
    /// named `compose.yaml` so that dockmaster judges it as a whole project,
    /// as Compose does.
    inline: Option<(&'static str, &'static str)>,
    /// The process environment of the run (nothing else leaks in).
    env: &'static [(&'static str, &'static str)],
    /// `--env-file` files, relative to `compose-go`.
    env_files: &'static [&'static str],
    /// The compose-go test and what Compose does.
    compose: &'static str,
    /// Effective values to show: paths into the merged project.
    values: &'static [&'static str],
    /// What dockmaster must report: the correctness findings (`rule@file:line:col`)
    /// then `path = value @file:line:col` for each of `values`.
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        files: &["loader/testdata/compose-depends-on-cycle.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadDependsOnCycle: fails with `dependency cycle detected: service1 -> service2 -> service3 -> service1`",
        values: &[],
        expect: &[
            "depends-on-cycle@loader/testdata/compose-depends-on-cycle.yaml:14:9: dependency cycle detected: service1 -> service2 -> service3 -> service1",
        ],
    },
    Case {
        files: &["loader/testdata/compose-depends-on-profile-no-cycle.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "no test loads it; the file is identical to the cycle fixture and has no `profiles`, so Compose fails the same way",
        values: &[],
        expect: &[
            "depends-on-cycle@loader/testdata/compose-depends-on-profile-no-cycle.yaml:14:9: dependency cycle detected: service1 -> service2 -> service3 -> service1",
        ],
    },
    Case {
        files: &["loader/testdata/compose-depends-on-self.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadDependsOnSelf: fails with `dependency cycle detected: service1 -> service1`",
        values: &[],
        expect: &[
            "depends-on-cycle@loader/testdata/compose-depends-on-self.yaml:6:9: dependency cycle detected: service1 -> service1 (service `service1` depends on itself)",
        ],
    },
    Case {
        files: &["loader/testdata/compose-include-cycle.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadWithIncludeCycle: fails with an error starting `include cycle detected`",
        values: &[],
        expect: &[
            "include-invalid@loader/testdata/compose-include-cycle.yaml:2:5: include cycle detected: loader/testdata/compose-include-cycle.yaml includes loader/testdata/compose-include-cycle.yaml",
        ],
    },
    Case {
        files: &["loader/testdata/empty.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestEmptyFile: fails with `empty compose file`",
        values: &[],
        expect: &[
            "schema@loader/testdata/empty.yaml:1:1: empty compose file: there is nothing but comments and blank space",
        ],
    },
    Case {
        files: &["loader/testdata/compose-test-extends.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadWithExtends: `importer` gets image `nginx`, container_name `imported` (`${SOURCE:-imported}`: the extended file's env_file feeds the container, not interpolation), env_file `subdir/extra.env` resolved from the extended file, bind `/opt/data:/var/lib/mysql`",
        values: &[
            "services.importer.image",
            "services.importer.container_name",
            "services.importer.env_file[0]",
            "services.importer.volumes[0]",
        ],
        expect: &[
            "services.importer.image = nginx @loader/testdata/subdir/compose-test-extends-imported.yaml:3:12",
            "services.importer.container_name = imported @loader/testdata/subdir/compose-test-extends-imported.yaml:4:21",
            "services.importer.env_file[0] = ./extra.env @loader/testdata/subdir/compose-test-extends-imported.yaml:6:9",
            "services.importer.volumes[0] = /opt/data:/var/lib/mysql @loader/testdata/subdir/compose-test-extends-imported.yaml:8:9",
        ],
    },
    Case {
        files: &["loader/testdata/compose-test-extends-with-context-url.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadWithExtendsWithContextUrl: the extending service keeps the URL build context `https://github.com/docker/compose.git`",
        values: &["services.importer-with-https-url.build.context"],
        expect: &[
            "services.importer-with-https-url.build.context = https://github.com/docker/compose.git @loader/testdata/compose-test-extends-with-context-url-imported.yaml:4:16",
        ],
    },
    Case {
        files: &["loader/testdata/compose-test-with-version.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestComposeFileWithVersion: loads; `version` is ignored",
        values: &["services.other.image"],
        expect: &[
            "services.other.image = busybox:1.31.0-uclibc @loader/testdata/compose-test-with-version.yaml:21:12",
        ],
    },
    Case {
        files: &["loader/testdata/combined/compose.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadIncludeExtendsCombined: loads; the `extends.file` of an included file is relative to the included file",
        values: &["services.service.build"],
        expect: &["services.service.build = . @loader/testdata/combined/dir/extended.yaml:3:12"],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "name: test-include\ninclude:\n  - path: ./testdata/subdir/compose-test-extends-imported.yaml\n    env_file: ./testdata/subdir/extra.env\nservices:\n  foo:\n    image: busybox\n    depends_on: [imported]\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestLoadWithInclude: the include's env_file feeds the included file's interpolation: container_name `extends`",
        values: &[
            "services.imported.container_name",
            "services.foo.depends_on[0]",
        ],
        expect: &[
            "services.imported.container_name = extends @loader/testdata/subdir/compose-test-extends-imported.yaml:4:21",
            "services.foo.depends_on[0] = imported @loader/compose.yaml:8:18",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "name: test-include\ninclude:\n  - path: ./testdata/subdir/compose-test-extends-imported.yaml\n    env_file: ./testdata/subdir/extra.env\nservices:\n  foo:\n    image: busybox\n    depends_on: [imported]\n",
        )),
        env: &[("SOURCE", "override")],
        env_files: &[],
        compose: "TestLoadWithInclude, second load: the environment wins over the include's env_file: container_name `override`",
        values: &["services.imported.container_name"],
        expect: &[
            "services.imported.container_name = override @loader/testdata/subdir/compose-test-extends-imported.yaml:4:21",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "name: test-multi-include\ninclude:\n  - path: ./testdata/subdir/compose-test-extends-imported.yaml\n    env_file: ./testdata/subdir/extra.env\n  - path: ./testdata/compose-include.yaml\n    env_file: ./testdata/subdir/extra.env\nservices:\n  foo:\n    image: busybox\n    depends_on: [imported]\n",
        )),
        env: &[("SOURCE", "override")],
        env_files: &[],
        compose: "TestLoadWithMultipleInclude: including the same file twice (directly and through compose-include.yaml) is no error; container_name `override`",
        values: &["services.imported.container_name", "services.bar.image"],
        expect: &[
            "services.imported.container_name = override @loader/testdata/subdir/compose-test-extends-imported.yaml:4:21",
            "services.bar.image = bar @loader/testdata/compose-include.yaml:6:12",
        ],
    },
    Case {
        files: &[
            "loader/inline-include-override.yaml",
            "loader/inline-include-override-2.yaml",
        ],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadWithIncludeOverride: a later -f file overrides an included service: image `overridden`",
        values: &["services.imported.image"],
        expect: &[
            "services.imported.image = overridden @loader/inline-include-override-2.yaml:3:12",
        ],
    },
    Case {
        files: &["loader/testdata/include/compose.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestIncludeRelative: the included file's relative paths are relative to the included file (build `.`, bind `./:/mnt`)",
        values: &["services.included.build", "services.included.volumes[0]"],
        expect: &[
            "services.included.build = . @loader/testdata/include/included.yaml:3:12",
            "services.included.volumes[0] = ./:/mnt @loader/testdata/include/included.yaml:5:9",
        ],
    },
    Case {
        files: &["loader/testdata/include/project-directory.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestIncludeWithProjectDirectory: `project_directory: ../subdir` is the base of the included file's relative paths (build context, bind source, env_file all under testdata/subdir)",
        values: &[
            "services.service.volumes[0].source",
            "services.service.env_file[0]",
        ],
        expect: &[
            "services.service.volumes[0].source = compose-test-extends-imported.yaml @loader/testdata/include/dir/compose.yaml:9:17",
            "services.service.env_file[0] = extra.env @loader/testdata/include/dir/compose.yaml:12:9",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "services:\n  test1:\n    extends:\n      file: testdata/extends/base.yaml\n      service: base\n    hostname: test1\n  test3:\n    extends:\n      file: testdata/extends/base.yaml\n      service: another\n    hostname: test3\n  port:\n    image: test\n    extends:\n      file: testdata/extends/base.yaml\n      service: with-port\n  ulimits:\n    extends:\n      file: testdata/extends/base.yaml\n      service: withUlimits\n  build:\n    extends:\n      file: testdata/extends/base.yaml\n      service: with-build\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestExtends, TestExtendsPort, TestExtendsUlimits, TestExtendsRelativePath: extends copies image, ports and ulimits, local keys win, chains work, and an inherited `build: .` is relative to the file that declares it",
        values: &[
            "services.test1.image",
            "services.test1.hostname",
            "services.test3.image",
            "services.test3.hostname",
            "services.port.ports[0]",
            "services.ulimits.ulimits.nproc",
            "services.build.build",
        ],
        expect: &[
            "services.test1.image = base @loader/testdata/extends/base.yaml:3:12",
            "services.test1.hostname = test1 @loader/compose.yaml:6:15",
            "services.test3.image = base @loader/testdata/extends/base.yaml:3:12",
            "services.test3.hostname = test3 @loader/compose.yaml:11:15",
            "services.port.ports[0] = 8000:8000 @loader/testdata/extends/base.yaml:10:9",
            "services.ulimits.ulimits.nproc = 65535 @loader/testdata/extends/base.yaml:15:14",
            "services.build.build = . @loader/testdata/extends/sibling.yaml:3:12",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "services:\n  bar:\n    image: bar\n    extends:\n      file: ./testdata/extends/depends_on.yaml\n      service: with_depends_on\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestExtendsWithServiceRef: the extended service's `depends_on: [zot]` is kept but `zot` is not imported: `service \"bar\" depends on undefined service \"zot\"`",
        values: &[],
        expect: &[
            "depends-on-undefined@loader/testdata/extends/depends_on.yaml:5:9: service `bar` depends on undefined service `zot`",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "services:\n  bar:\n    image: bar\n    extends:\n      file: ./testdata/extends/depends_on.yaml\n      service: with_network_mode\n  zot:\n    image: zot\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestExtendsWithServiceRef: with a local `zot`, `network_mode: service:zot` from the extended service is valid",
        values: &["services.bar.network_mode"],
        expect: &[
            "services.bar.network_mode = service:zot @loader/testdata/extends/depends_on.yaml:18:19",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "services:\n  test:\n    extends:\n      file: testdata/extends/interpolated.yaml\n      service: foo\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestExtendsWithInterpolation: the extended file is interpolated with the project's environment: `${SOURCE:-/dev/null}` gives `/dev/null`",
        values: &["services.test.volumes[0]"],
        expect: &[
            "services.test.volumes[0] = /dev/null:/tmp/foo:ro @loader/testdata/extends/interpolated.yaml:5:9",
        ],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "include:\n  - testdata/extends/nested.yaml\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestIncludeWithExtends: an included file's `extends.file` is relative to it: `with-build` gets `build` from sibling.yaml",
        values: &["services.with-build.build"],
        expect: &["services.with-build.build = . @loader/testdata/extends/sibling.yaml:3:12"],
    },
    Case {
        files: &[
            "loader/testdata/extends/ports.yaml",
            "loader/inline-extends-ports-override.yaml",
        ],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestExtendsPortOverride: the same port from the base file and the extended service is one entry",
        values: &["services.test.ports"],
        expect: &["services.test.ports = [8080:8080] @loader/testdata/extends/ports.yaml:5:7"],
    },
    Case {
        files: &[],
        inline: Some((
            "loader/compose.yaml",
            "services:\n  test:\n    extends:\n      file: testdata/extends/reset.yaml\n      service: base\n",
        )),
        env: &[],
        env_files: &[],
        compose: "TestExtendsReset: `command: !reset` in the extending service removes the inherited command, through a second extends",
        values: &["services.test.command", "services.test.image"],
        expect: &[
            "services.test.command = (absent)",
            "services.test.image = alpine:latest @loader/testdata/extends/reset.yaml:3:12",
        ],
    },
    Case {
        files: &["loader/testdata/extends/withdir/compose.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "no test loads it (the shape of docker/compose#11469): the same service name in three files is no cycle; `test` runs `hello-world`",
        values: &["services.test.image"],
        expect: &[
            "services.test.image = hello-world @loader/testdata/extends/withdir/dir/base.yaml:3:12",
        ],
    },
    Case {
        files: &["loader/testdata/remote/cycle/compose.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestLoadWithResourcesCycle registers a test-only `remote:` resource loader; docker compose has none, reads `remote:cycle/compose-cycle.yaml` as a local path and fails: no such file",
        values: &[],
        expect: &[
            "extends-invalid@loader/testdata/remote/cycle/compose.yaml:4:13: cannot read remote:cycle/compose-cycle.yaml: no such file",
        ],
    },
    Case {
        files: &["cli/testdata/env-file/compose-with-env-files.yaml"],
        inline: None,
        env: &[],
        env_files: &[
            "cli/testdata/env-file/.env",
            "cli/testdata/env-file/override.env",
        ],
        compose: "TestProjectWithMultipleEnvFile: with two --env-file files the later wins: `${PORT}` is 9000",
        values: &["services.simple.ports[0]"],
        expect: &[
            "services.simple.ports[0] = 9000:80 @cli/testdata/env-file/compose-with-env-files.yaml:9:7",
        ],
    },
    Case {
        files: &["cli/testdata/simple/compose-with-variables.yaml"],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestProjectWithDotEnv: the project directory's `.env` feeds interpolation: `${PUBLIC_PORT}` is 8000",
        values: &["services.simple.ports[0]"],
        expect: &[
            "services.simple.ports[0] = 8000:80 @cli/testdata/simple/compose-with-variables.yaml:5:7",
        ],
    },
    Case {
        files: &["cli/testdata/simple/compose-name.yaml"],
        inline: None,
        env: &[("TEST", "expected")],
        env_files: &[],
        compose: "TestProjectName (by name in compose.yaml with variable): the top-level `name` is interpolated: `test-expected-test`",
        values: &["name"],
        expect: &["name = test-expected-test @cli/testdata/simple/compose-name.yaml:1:7"],
    },
    Case {
        files: &[
            "cli/testdata/simple/compose.yaml",
            "cli/testdata/simple/compose-with-overrides.yaml",
        ],
        inline: None,
        env: &[],
        env_files: &[],
        compose: "TestProjectFromSetOfFiles: the later file overrides `image`: `haproxy`",
        values: &["services.simple.image"],
        expect: &[
            "services.simple.image = haproxy @cli/testdata/simple/compose-with-overrides.yaml:3:12",
        ],
    },
    Case {
        files: &["loader/full-example.yml"],
        inline: None,
        env: &[
            ("HOME", "/home/user"),
            ("BAR", "this is a secret"),
            ("QUX", "qux_from_environment"),
        ],
        env_files: &[],
        compose: "TestFullExample loads it with the consistency check off; `${COMPOSE_PROJECT_NAME}` in build.tags is the `name:` value. The file is a catalogue of every key, not a runnable project: `docker compose` refuses `network_mode` with `networks` (\"declares mutually exclusive `network_mode` and `networks`\"), and the engine refuses ports with `network_mode: container:` and one fixed host port for 6 replicas",
        values: &["name", "services.foo.build.tags[2]"],
        expect: &[
            "container-name-scale@loader/full-example.yml:66:21: service `foo` sets `container_name` but runs 6 containers (`deploy.replicas: 6`); container names must be unique",
            "network-mode-conflict@loader/full-example.yml:236:19: service `foo` declares both `network_mode` and `networks`, which are mutually exclusive",
            "network-mode-conflict@loader/full-example.yml:252:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "network-mode-conflict@loader/full-example.yml:253:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "port-conflict@loader/full-example.yml:254:9: service `foo` runs 6 containers (`deploy.replicas: 6`), but host port 8000/tcp can be bound by only one of them",
            "network-mode-conflict@loader/full-example.yml:254:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "port-conflict@loader/full-example.yml:255:9: service `foo` runs 6 containers (`deploy.replicas: 6`), but host ports 9090-9091/tcp can be bound by only one of them",
            "network-mode-conflict@loader/full-example.yml:255:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "port-conflict@loader/full-example.yml:256:9: service `foo` runs 6 containers (`deploy.replicas: 6`), but host port 49100/tcp can be bound by only one of them",
            "network-mode-conflict@loader/full-example.yml:256:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "port-conflict@loader/full-example.yml:257:9: service `foo` runs 6 containers (`deploy.replicas: 6`), but host port 127.0.0.1:8001/tcp can be bound by only one of them",
            "network-mode-conflict@loader/full-example.yml:257:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "port-conflict@loader/full-example.yml:258:9: service `foo` runs 6 containers (`deploy.replicas: 6`), but host ports 127.0.0.1:5000-5010/tcp can be bound by only one of them",
            "network-mode-conflict@loader/full-example.yml:258:9: service `foo` publishes a port but `network_mode: container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b` shares another container's network stack, and Docker refuses to publish ports in that mode",
            "name = full_example_project_name @loader/full-example.yml:1:7",
            "services.foo.build.tags[2] = full_example_project_name:1.0.0 @loader/full-example.yml:39:11",
        ],
    },
];

/// Files the inline cases merge with `-f`, written by compose-go's tests as
/// strings.
const INLINE_FILES: &[(&str, &str)] = &[
    (
        "loader/inline-include-override.yaml",
        "name: test-include-override\ninclude:\n  - ./testdata/subdir/compose-test-extends-imported.yaml\n",
    ),
    (
        "loader/inline-include-override-2.yaml",
        "services:\n  imported:\n    image: overridden\n",
    ),
    (
        "loader/inline-extends-ports-override.yaml",
        "services:\n  test:\n    extends:\n      file: testdata/extends/ports.yaml\n      service: test\n",
    ),
];

fn input(base: &Path, rel: &str) -> Input {
    match INLINE_FILES.iter().find(|(p, _)| *p == rel) {
        Some((p, text)) => Input::text(base.join(p), text.as_bytes().to_vec()),
        None => Input::file(base.join(rel)),
    }
}

fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

/// The value at a dotted path (`services.a.ports[0]`, `services.a.ulimits.nproc`).
fn lookup<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = root;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (part, None),
        };
        v = v.get(key)?;
        if let Some(i) = index {
            v = v.as_seq()?.get(i)?;
        }
    }
    Some(v)
}

fn show(v: &Value) -> String {
    if let Some(s) = v.as_str() {
        return s.to_string();
    }
    if let Some(items) = v.as_seq() {
        return format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        );
    }
    format!("({})", v.type_name())
}

fn run(corpus: &Path, case: &Case) -> Vec<String> {
    let mut inputs: Vec<Input> = Vec::new();
    if let Some((path, text)) = case.inline {
        inputs.push(Input::text(corpus.join(path), text.as_bytes().to_vec()));
    }
    inputs.extend(case.files.iter().map(|f| input(corpus, f)));
    let options = LoadOptions {
        env: EnvOptions {
            no_env: false,
            env_files: case.env_files.iter().map(|f| corpus.join(f)).collect(),
            extra: Vec::new(),
            process: Some(
                case.env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        },
        ..LoadOptions::default()
    };
    let loaded = match load_project_with(&inputs, &options) {
        Ok(l) => l,
        Err(errors) => {
            return errors
                .iter()
                .map(|e| format!("load error: {}: {}", rel(corpus, &e.path), e.message))
                .collect();
        }
    };
    let project: Project = model::build(loaded);
    let mut settings = Settings::new(Preset::Production);
    settings.select = Some(
        dockmaster::rules::ALL
            .iter()
            .filter(|r| r.category == Category::Correctness)
            .map(|r| r.id.to_string())
            .collect(),
    );
    let outcome = dockmaster::check_project(&project, &settings);
    let mut diags = outcome.kept;
    diags.sort_by_key(|d| (d.primary.span.file, d.primary.span.start));
    let mut out: Vec<String> = diags
        .iter()
        .map(|d| {
            let file = project.sources.get(d.primary.span.file);
            let (l, c) = file.line_col(d.primary.span.start as usize);
            format!(
                "{}@{}:{l}:{c}: {}",
                d.rule,
                rel(corpus, &file.path),
                d.message.replace(&format!("{}/", corpus.display()), "")
            )
        })
        .collect();
    for path in case.values {
        out.push(
            match project.root.as_ref().and_then(|root| lookup(root, path)) {
                None => format!("{path} = (absent)"),
                Some(v) => {
                    let file = project.sources.get(v.span.file);
                    let (l, c) = file.line_col(v.span.start as usize);
                    format!("{path} = {} @{}:{l}:{c}", show(v), rel(corpus, &file.path))
                }
            },
        );
    }
    out
}

#[test]
fn the_table() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let corpus: PathBuf = corpus.join("compose-go").canonicalize().unwrap();
    let mut table = String::from("| Fixture | Compose | dockmaster |\n|---|---|---|\n");
    let mut failures = Vec::new();
    for case in CASES {
        let got = run(&corpus, case);
        let name = case
            .inline
            .map(|(p, _)| p)
            .into_iter()
            .chain(case.files.iter().copied())
            .collect::<Vec<_>>()
            .join(" + ");
        if got != case.expect {
            failures.push(format!(
                "{name}\n  want: {:#?}\n  got:  {got:#?}",
                case.expect
            ));
        }
        table.push_str(&format!(
            "| {name} | {} | {} |\n",
            case.compose,
            if got.is_empty() {
                "loads, no finding".to_string()
            } else {
                got.join("<br>")
            }
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    insta::assert_snapshot!(table);
}

/// TestProjectName "by .env": without a file on the command line, the
/// `.env` of the working directory names the file (`COMPOSE_FILE`).
#[test]
fn compose_file_from_dot_env() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("compose-go/cli/testdata/env-file");
    let (code, out, err) = common::run_in(
        &dir,
        &[
            "check",
            "--no-config",
            "--format",
            "compact",
            "--select",
            "obsolete-version",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "compose-with-env-file.yaml:1:1: warning[obsolete-version]: the top-level `version: \"3\"` is obsolete: Compose ignores it\n"
    );
    let (code, _, err) = common::run_in(&dir, &["check", "--no-config", "--no-env"]);
    assert_eq!(code, 2);
    assert!(err.contains("no Compose file found"), "{err}");
}
