//! Reading a container's command line (`entrypoint` followed by `command`,
//! as words): option values, the arguments after a sub-command, settings
//! given as `-Ename=value`, and whether the line is a shell script that
//! cannot be read statically.

use std::ops::Range;

/// Programs whose command line is a script: what they run cannot be read
/// from the words.
pub const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// What a command line says about an option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// The option is not given.
    Absent,
    /// The value: the index of the word holding it and the byte range of
    /// the value in that word.
    Value { arg: usize, range: Range<usize> },
    /// The option is given without a value (last word).
    Unknown,
}

/// The value of an option written `NAME VALUE` or `NAME=VALUE`, for any of
/// `names` (`--data-dir`, `-data-dir`). The last occurrence wins, as with
/// Go's `flag` package and most parsers; words after `--` are not options.
pub fn flag_value(args: &[&str], names: &[&str]) -> Found {
    let mut found = Found::Absent;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            break;
        }
        if names.contains(&a) {
            found = match args.get(i + 1) {
                Some(v) => Found::Value {
                    arg: i + 1,
                    range: 0..v.len(),
                },
                None => Found::Unknown,
            };
            i += 2;
            continue;
        }
        if let Some((name, _)) = a.split_once('=')
            && names.contains(&name)
        {
            found = Found::Value {
                arg: i,
                range: name.len() + 1..a.len(),
            };
        }
        i += 1;
    }
    found
}

/// Whether an option is given at all, alone or as `NAME=VALUE`.
pub fn has_flag(args: &[&str], name: &str) -> bool {
    args.iter()
        .take_while(|a| **a != "--")
        .any(|a| *a == name || a.split_once('=').is_some_and(|(n, _)| n == name))
}

/// A setting given as `-Ename=value` or `-E name=value` (Elasticsearch's
/// `path.data`). The last occurrence wins.
pub fn setting_value(args: &[&str], name: &str) -> Found {
    let mut found = Found::Absent;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let (word, offset) = if a == "-E" {
            match args.get(i + 1) {
                Some(next) => {
                    i += 1;
                    (*next, 0)
                }
                None => return found,
            }
        } else if let Some(rest) = a.strip_prefix("-E") {
            (rest, 2)
        } else {
            i += 1;
            continue;
        };
        if let Some((n, _)) = word.split_once('=')
            && n == name
        {
            found = Found::Value {
                arg: i,
                range: offset + n.len() + 1..offset + word.len(),
            };
        }
        i += 1;
    }
    found
}

/// The indices of the positional arguments after the first word equal to
/// `sub` (`minio server /data1 /data2`): options are skipped, with the word
/// that follows an option written without `=` unless the option is one of
/// `boolean_options`. `None` when `sub` does not occur.
pub fn positional_after(args: &[&str], sub: &str, boolean_options: &[&str]) -> Option<Vec<usize>> {
    let start = args.iter().position(|a| *a == sub)? + 1;
    let mut out = Vec::new();
    let mut i = start;
    let mut options_done = false;
    while i < args.len() {
        let a = args[i];
        if !options_done && a == "--" {
            options_done = true;
        } else if !options_done && a.starts_with('-') && a.len() > 1 {
            if !a.contains('=') && !boolean_options.contains(&a) {
                i += 1;
            }
        } else {
            out.push(i);
        }
        i += 1;
    }
    Some(out)
}

/// Whether the command line runs a shell (`sh -c "..."`, `bash script`):
/// the program the script starts and its options cannot be read from the
/// words.
pub fn is_script(args: &[&str]) -> bool {
    args.first().is_some_and(|first| {
        let base = first.rsplit('/').next().unwrap_or(first);
        SHELLS.contains(&base)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    fn value<'a>(args: &[&'a str], f: Found) -> Option<&'a str> {
        match f {
            Found::Value { arg, range } => Some(&args[arg][range]),
            _ => None,
        }
    }

    #[test]
    fn flags_with_a_space_or_an_equals_sign() {
        let names = ["--data-dir", "-data-dir"];
        let a = words("etcd --name n1 --data-dir /etcd");
        assert_eq!(value(&a, flag_value(&a, &names)), Some("/etcd"));
        let a = words("etcd -advertise-client-urls=http://etcd:2379 -data-dir=/srv/etcd");
        assert_eq!(value(&a, flag_value(&a, &names)), Some("/srv/etcd"));
        let a = words("etcd --data-dir=/a --data-dir /b");
        assert_eq!(
            value(&a, flag_value(&a, &names)),
            Some("/b"),
            "the last one wins"
        );
        let a = words("etcd --data-directory /x --data-dir-x=/y");
        assert_eq!(flag_value(&a, &names), Found::Absent);
        let a = words("etcd --data-dir");
        assert_eq!(flag_value(&a, &names), Found::Unknown);
        let a = words("etcd -- --data-dir /x");
        assert_eq!(flag_value(&a, &names), Found::Absent);
        assert_eq!(flag_value(&[], &names), Found::Absent);
    }

    #[test]
    fn value_ranges_point_inside_the_word() {
        let a = ["--data-dir=/etcd"];
        assert_eq!(
            flag_value(&a, &["--data-dir"]),
            Found::Value {
                arg: 0,
                range: 11..16
            }
        );
    }

    #[test]
    fn flags_present() {
        let a = words("etcd --config-file=/etc/etcd.yaml");
        assert!(has_flag(&a, "--config-file"));
        assert!(!has_flag(&a, "--config"));
        assert!(has_flag(&words("etcd --config-file /x"), "--config-file"));
    }

    #[test]
    fn settings() {
        let a = words("elasticsearch -Epath.data=/data -Ediscovery.type=single-node");
        assert_eq!(value(&a, setting_value(&a, "path.data")), Some("/data"));
        let a = words("elasticsearch -E path.data=/x");
        assert_eq!(value(&a, setting_value(&a, "path.data")), Some("/x"));
        let a = words("elasticsearch -Epath.logs=/x");
        assert_eq!(setting_value(&a, "path.data"), Found::Absent);
        let a = ["-Epath.data=/d"];
        assert_eq!(
            setting_value(&a, "path.data"),
            Found::Value {
                arg: 0,
                range: 12..14
            }
        );
    }

    #[test]
    fn arguments_after_a_sub_command() {
        let bools = ["--quiet", "--anonymous", "--json"];
        let a = words(r#"minio server /minio_data --console-address ":9001""#);
        assert_eq!(positional_after(&a, "server", &bools), Some(vec![2]));
        let a = words("server --console-address :9001 /data1 /data2");
        assert_eq!(positional_after(&a, "server", &bools), Some(vec![3, 4]));
        let a = words("minio server --quiet /data");
        assert_eq!(positional_after(&a, "server", &bools), Some(vec![3]));
        let a = words("minio server --address=:9000 /data");
        assert_eq!(positional_after(&a, "server", &bools), Some(vec![3]));
        let a = words("minio server");
        assert_eq!(positional_after(&a, "server", &bools), Some(vec![]));
        assert_eq!(
            positional_after(&words("minio gateway s3"), "server", &bools),
            None
        );
        let a = words("minio server -- -weird");
        assert_eq!(positional_after(&a, "server", &bools), Some(vec![3]));
    }

    #[test]
    fn scripts() {
        assert!(is_script(&["sh", "-c", "etcd --data-dir /x"]));
        assert!(is_script(&["/bin/bash", "/start.sh"]));
        assert!(!is_script(&["/usr/bin/docker-entrypoint.sh", "minio"]));
        assert!(!is_script(&["etcd"]));
        assert!(!is_script(&[]));
    }
}
