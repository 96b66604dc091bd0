//! Splitting a `command` or `entrypoint` string into words the way Compose
//! does (mattn/go-shellwords: whitespace separates words, single quotes are
//! literal, double quotes allow backslash escapes, a backslash outside quotes
//! escapes the next character). Each word keeps the byte range it covers.

use std::ops::Range;

pub fn split(s: &str) -> Vec<(String, Range<usize>)> {
    let mut words = Vec::new();
    // One buffer for every word, each word copied out at its end (taking
    // the buffer grew a new one from empty for each word).
    let mut current = String::with_capacity(s.len());
    let mut start: Option<usize> = None;
    let mut chars = s.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                } else {
                    current.push(c);
                }
            }
            Some(_) => match c {
                '"' => quote = None,
                '\\' => match chars.peek() {
                    Some(&(_, n)) if matches!(n, '"' | '\\' | '$' | '`') => {
                        current.push(n);
                        chars.next();
                    }
                    _ => current.push('\\'),
                },
                _ => current.push(c),
            },
            None => match c {
                c if c.is_whitespace() => {
                    if let Some(st) = start.take() {
                        words.push((current.clone(), st..i));
                        current.clear();
                    }
                }
                '\'' | '"' => {
                    start.get_or_insert(i);
                    quote = Some(c);
                }
                '\\' => {
                    start.get_or_insert(i);
                    if let Some((_, n)) = chars.next() {
                        current.push(n);
                    }
                }
                _ => {
                    start.get_or_insert(i);
                    current.push(c);
                }
            },
        }
    }
    if let Some(st) = start {
        words.push((current, st..s.len()));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        split(s).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn splits_like_a_shell_without_running_one() {
        assert_eq!(
            words("minio server /data --console-address \":9001\""),
            ["minio", "server", "/data", "--console-address", ":9001"]
        );
        assert_eq!(
            words("  sh -c 'echo $HOME && ls'  "),
            ["sh", "-c", "echo $HOME && ls"]
        );
        assert_eq!(words(r#"a "b \"c\"" d\ e"#), ["a", "b \"c\"", "d e"]);
        assert_eq!(words(""), Vec::<String>::new());
    }

    #[test]
    fn words_keep_their_ranges() {
        let s = "etcd --data-dir /etcd";
        let w = split(s);
        assert_eq!(&s[w[2].1.clone()], "/etcd");
        let s = "x 'quoted word' y";
        let w = split(s);
        assert_eq!(&s[w[1].1.clone()], "'quoted word'");
    }
}
