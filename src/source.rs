//! Source files: their text, their display path and a line index.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::span::{FileId, Span};

/// Paths as shown: relative ones without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Remove `.` components and fold `dir/..` pairs, without touching the file
/// system (`a/./b/../c` is `a/c`).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given or discovered (used for display and for reading
    /// relative files); `-` style inputs carry their `--stdin-filename`.
    pub path: PathBuf,
    /// The text, without a leading UTF-8 byte order mark. Invalid UTF-8 was
    /// replaced with U+FFFD (and reported).
    pub text: Arc<str>,
    /// Whether the file started with a UTF-8 byte order mark.
    pub bom: bool,
    pub lines: LineIndex,
    /// The path as shown ([`display_path`]), computed once: reports show
    /// and sort by it for every finding.
    shown: Box<str>,
    /// What the text is made of, found when first asked.
    made_of: OnceLock<MadeOf>,
    /// Counts along long lines, made when first needed ([`Checkpoints`]).
    checkpoints: OnceLock<Checkpoints>,
}

/// What a text is made of, for renderers that take a fast path on plain
/// text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MadeOf {
    /// Only printable ASCII, tabs and `\n` or `\r\n` line breaks.
    pub plain: bool,
    /// Some tab.
    pub tabs: bool,
}

impl MadeOf {
    pub fn of(text: &str) -> MadeOf {
        let b = text.as_bytes();
        // One pass testing each byte alone, in blocks without an early exit
        // (which the compiler vectorises); a `\r` then needs the byte after
        // it.
        let (mut other, mut tabs, mut cr) = (false, false, false);
        for block in b.chunks(256) {
            for &c in block {
                other |= !matches!(c, 0x20..=0x7e | b'\t' | b'\n' | b'\r');
                tabs |= c == b'\t';
                cr |= c == b'\r';
            }
            if other {
                break;
            }
        }
        let plain = !other
            && (!cr
                || b.iter()
                    .enumerate()
                    .all(|(i, &c)| c != b'\r' || b.get(i + 1) == Some(&b'\n')));
        MadeOf {
            plain,
            tabs: if other { b.contains(&b'\t') } else { tabs },
        }
    }
}

impl SourceFile {
    pub fn new(path: PathBuf, text: impl Into<Arc<str>>, bom: bool) -> SourceFile {
        let text = text.into();
        let lines = LineIndex::new(&text);
        let shown = display_path(&path).into_boxed_str();
        SourceFile {
            path,
            text,
            bom,
            lines,
            shown,
            made_of: OnceLock::new(),
            checkpoints: OnceLock::new(),
        }
    }

    /// What the text is made of (computed once).
    pub fn made_of(&self) -> MadeOf {
        *self.made_of.get_or_init(|| MadeOf::of(&self.text))
    }

    /// The path as shown: [`display_path`] of `path`.
    pub fn shown_path(&self) -> &str {
        &self.shown
    }

    /// The text of a span (empty when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset. In a
    /// file of ASCII the column is a byte count, found without counting
    /// (a line of 600 KB with 100,000 findings was counted from its start
    /// for each).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, chars, _) = self.counts(offset);
        (line + 1, chars + 1)
    }

    /// The 0-based line of a byte offset (moved back to a character
    /// boundary), and the characters and UTF-16 code units between the
    /// line's start and it. In a file of ASCII these are byte counts; on a
    /// line longer than [`STRIDE`] bytes they are counted from the nearest
    /// checkpoint before: never more than `STRIDE` bytes for one offset,
    /// whatever the number of findings on the line.
    pub fn counts(&self, offset: usize) -> (usize, usize, usize) {
        let text: &str = &self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line).min(offset);
        if self.made_of().plain {
            return (line, offset - start, offset - start);
        }
        let (mut from, mut chars, mut utf16) = (start, 0, 0);
        if offset - start > STRIDE {
            let points = &self
                .checkpoints
                .get_or_init(|| Checkpoints::of(text, &self.lines))
                .0;
            let i = points.partition_point(|p| p.0 as usize <= offset);
            if let Some(&(at, c, u)) = i.checked_sub(1).map(|i| &points[i])
                && at as usize >= start
            {
                (from, chars, utf16) = (at as usize, c as usize, u as usize);
            }
        }
        let before = &text[from..offset];
        (
            line,
            chars + before.chars().count(),
            utf16 + before.encode_utf16().count(),
        )
    }
}

/// Bytes between two checkpoints of a long line.
pub const STRIDE: usize = 4096;

/// Along each line longer than [`STRIDE`] bytes, every `STRIDE` bytes (at
/// a character boundary): the offset, and the characters and UTF-16 code
/// units from the line's start to it.
#[derive(Debug, Default)]
struct Checkpoints(Vec<(u32, u32, u32)>);

impl Checkpoints {
    fn of(text: &str, lines: &LineIndex) -> Checkpoints {
        let mut points = Vec::new();
        for n in 0..lines.line_count() {
            let start = lines.line_start(n).min(text.len());
            let end = lines.line_start(n + 1).min(text.len());
            let (mut at, mut chars, mut utf16) = (start, 0, 0);
            while end - at > STRIDE {
                let next = floor_char_boundary(text, at + STRIDE);
                let part = &text[at..next];
                chars += part.chars().count();
                utf16 += part.encode_utf16().count();
                points.push((next as u32, chars as u32, utf16 as u32));
                at = next;
            }
        }
        Checkpoints(points)
    }
}

/// Start offsets of every line. Line breaks are `\n`, `\r\n` and a lone `\r`,
/// as in YAML.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Whether some line ends with `\r\n`.
    crlf: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        let mut crlf = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push((i + 1) as u32),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        crlf = true;
                        i += 1;
                    }
                    starts.push((i + 1) as u32);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts, crlf }
    }

    /// Whether some line of the text ends with `\r\n` (computed once, so
    /// that fixes need not scan the text for each edit).
    pub fn has_crlf(&self) -> bool {
        self.crlf
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(u32::MAX) as usize
    }

    /// Byte range of 0-based `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line).min(text.len());
        let mut end = self.line_start(line + 1).min(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and 1-based column counted in characters from the
    /// line's start: the definition [`SourceFile::counts`] is tested
    /// against.
    #[cfg(test)]
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let col = text[start..offset].chars().count();
        (line + 1, col + 1)
    }

    /// Column of `offset` in UTF-16 code units (0-based), counted from the
    /// line's start: the definition [`SourceFile::counts`] is tested
    /// against.
    #[cfg(test)]
    pub fn utf16_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let col = text[start..offset].encode_utf16().count();
        (line, col)
    }
}

/// `offset` moved back to the start of the character it is in.
pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The files of one project (a base file, its overrides, included and
/// extended files). Indexed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.add_shared(Arc::new(file))
    }

    pub fn add_shared(&mut self, file: Arc<SourceFile>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).slice(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On lines longer than a stride, counts from a checkpoint are the
    /// counts from the line's start, at every offset (inside characters of
    /// two, three and four bytes too), on the lines around them as well.
    #[test]
    fn counts_from_checkpoints_are_the_counts() {
        let piece = "ab\u{e9}\u{2603}\u{1d11e} ";
        let long = piece.repeat(3 * STRIDE / piece.len() + 7);
        let text = format!(
            "short é\n{long}\r\n{long}x\nend\n{}",
            long.replace(' ', "\t")
        );
        let file = SourceFile::new(PathBuf::from("c.yaml"), text.as_str(), false);
        assert!(!file.made_of().plain);
        for offset in (0..=text.len() + 1)
            .step_by(1)
            .filter(|o| o % 3 == 0 || o % 1021 < 12)
        {
            let at = floor_char_boundary(&text, offset.min(text.len()));
            let line = file.lines.line_of(at);
            let before = &text[file.lines.line_start(line)..at];
            assert_eq!(
                file.counts(offset),
                (line, before.chars().count(), before.encode_utf16().count()),
                "at {offset}"
            );
        }
    }

    /// In a file of ASCII the column is found without counting characters;
    /// it is the count, at every offset (line breaks of both kinds, tabs,
    /// offsets past the end), and other texts take the count.
    #[test]
    fn columns_without_counting_are_the_count() {
        proptest::proptest!(|(text in "[a \t\n\u{e9}]{0,40}|[ab\t\r\n]{0,40}")| {
            let text = text.replace("\r\n", "\n").replace('\r', "\r\n");
            let file = SourceFile::new(PathBuf::from("c.yaml"), text.as_str(), false);
            for offset in 0..=text.len() + 2 {
                proptest::prop_assert_eq!(
                    file.line_col(offset),
                    file.lines.line_col(&text, offset),
                    "{:?} at {}", text, offset
                );
            }
        });
    }

    #[test]
    fn what_a_text_is_made_of() {
        let m = |t: &str| {
            let m = MadeOf::of(t);
            (m.plain, m.tabs)
        };
        assert_eq!(m("a: 1\n  b: [x, y]\n"), (true, false));
        assert_eq!(m("a:\tb\r\nc\r\n"), (true, true));
        assert_eq!(m(""), (true, false));
        assert_eq!(m("a\rb"), (false, false));
        assert_eq!(m("a\r"), (false, false));
        assert_eq!(m("café: 1"), (false, false));
        assert_eq!(m("a\u{7f}"), (false, false));
        assert_eq!(m("a\u{0}\t"), (false, true));
        // Past the first block of 256 bytes: a tab after a byte that is
        // not plain, a `\r` alone at the end.
        let long = format!("é{}\t", "a".repeat(600));
        assert_eq!(m(&long), (false, true));
        assert_eq!(m(&format!("{}\r", "a".repeat(600))), (false, false));
    }

    proptest::proptest! {
        /// The one-pass test agrees with the definition, byte by byte.
        #[test]
        fn made_of_agrees_with_its_definition(
            text in r"[a \t\n~]{0,600}[\r\n\x00é\x7fa]{0,3}[a \t\r\n]{0,100}"
        ) {
            let b = text.as_bytes();
            let plain = b.iter().enumerate().all(|(i, &c)| match c {
                0x20..=0x7e | b'\t' | b'\n' => true,
                b'\r' => b.get(i + 1) == Some(&b'\n'),
                _ => false,
            });
            let m = MadeOf::of(&text);
            proptest::prop_assert_eq!((m.plain, m.tabs), (plain, b.contains(&b'\t')));
        }
    }

    #[test]
    fn line_col_counts_characters_and_line_breaks() {
        let text = "a: 1\r\nb: é x\rc: 3\nd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        // `x` on line 2 comes after a two-byte `é`.
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), (2, 6));
        assert_eq!(idx.line_col(text, text.find('c').unwrap()), (3, 1));
        assert_eq!(idx.line_col(text, text.len()), (4, 2));
        assert_eq!(idx.line_range(text, 0), 0..4);
        assert!(idx.has_crlf());
        assert!(!LineIndex::new("a\rb\nc").has_crlf());
    }

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.yaml")),
            PathBuf::from("a/c.yaml")
        );
        assert_eq!(normalize(Path::new("./x")), PathBuf::from("x"));
        assert_eq!(normalize(Path::new("../x/../y")), PathBuf::from("../y"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "k: \"𝄞\" v";
        let idx = LineIndex::new(text);
        let v = text.find('v').unwrap();
        assert_eq!(idx.utf16_col(text, v), (0, 8));
        assert_eq!(idx.line_col(text, v), (1, 8));
    }
}
