//! Container paths: normalisation and coverage by mounts.

/// A container path cleaned the way Go's `path.Clean` does for absolute
/// paths (repeated and trailing slashes, `.` and `..` segments); `None` for
/// a relative path.
pub fn clean(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether `ancestor` is `path` or one of its ancestors, by whole segments
/// (`/var/lib` covers `/var/lib/mysql`, `/var/li` does not). Both must be
/// absolute.
pub fn covers(ancestor: &str, path: &str) -> bool {
    let (Some(a), Some(p)) = (clean(ancestor), clean(path)) else {
        return false;
    };
    a == "/" || p == a || p.strip_prefix(&a).is_some_and(|rest| rest.starts_with('/'))
}

/// The number of leading segments two absolute paths share.
pub fn common_segments(a: &str, b: &str) -> usize {
    let (Some(a), Some(b)) = (clean(a), clean(b)) else {
        return 0;
    };
    a.split('/')
        .skip(1)
        .zip(b.split('/').skip(1))
        .take_while(|(x, y)| x == y && !x.is_empty())
        .count()
}

/// Whether a host path is `root` or lies inside it, by whole segments. A
/// `root` starting with `~/` also matches the same path under any
/// `/home/<user>/` and under `/root/`.
pub fn host_path_within(path: &str, root: &str) -> bool {
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    let inside = |p: &str, r: &str| {
        p == r || r != "/" && p.strip_prefix(r).is_some_and(|rest| rest.starts_with('/'))
    };
    if let Some(home_rel) = root.strip_prefix("~/") {
        if inside(path, root) {
            return true;
        }
        if let Some(rest) = path.strip_prefix("/home/")
            && let Some((_, after_user)) = rest.split_once('/')
            && inside(&format!("/{after_user}"), &format!("/{home_rel}"))
        {
            return true;
        }
        if let Some(rest) = path.strip_prefix("/root/") {
            return inside(&format!("/{rest}"), &format!("/{home_rel}"));
        }
        return false;
    }
    inside(path, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths() {
        assert_eq!(clean("/var/lib//mysql/").as_deref(), Some("/var/lib/mysql"));
        assert_eq!(clean("/a/./b/../c").as_deref(), Some("/a/c"));
        assert_eq!(clean("/").as_deref(), Some("/"));
        assert_eq!(clean("data"), None);
    }

    #[test]
    fn coverage_by_whole_segments() {
        assert!(covers("/var/lib/mysql", "/var/lib/mysql"));
        assert!(covers("/var/lib/mysql/", "/var/lib/mysql"));
        assert!(covers(
            "/var/lib/postgresql",
            "/var/lib/postgresql/18/docker"
        ));
        assert!(covers("/", "/data"));
        assert!(!covers("/var/lib/post", "/var/lib/postgresql/data"));
        assert!(!covers("/etcd", "/var/lib/etcd/default.etcd"));
        assert!(!covers("/var/lib/mysql/data", "/var/lib/mysql"));
        assert!(!covers("data", "/data"));
    }

    #[test]
    fn shared_segments() {
        assert_eq!(
            common_segments("/var/lib/etcd", "/var/lib/etcd/default.etcd"),
            3
        );
        assert_eq!(common_segments("/etcd", "/var/lib/etcd/default.etcd"), 0);
        assert_eq!(common_segments("/var/lib/mysql2", "/var/lib/mysql"), 2);
    }

    #[test]
    fn host_paths_by_segment() {
        assert!(host_path_within("/etc", "/etc"));
        assert!(host_path_within("/etc/nginx/", "/etc"));
        assert!(!host_path_within("/etcd", "/etc"));
        assert!(!host_path_within("/etc-data", "/etc"));
        assert!(host_path_within("/", "/"));
        assert!(!host_path_within("/data", "/"));
        assert!(!host_path_within("./data", "/"));
        assert!(host_path_within("~/.ssh/id_rsa", "~/.ssh"));
        assert!(host_path_within("/home/alice/.ssh", "~/.ssh"));
        assert!(host_path_within("/root/.kube/config", "~/.kube"));
        assert!(!host_path_within("/home/alice/ssh", "~/.ssh"));
    }
}
