//! Byte spans into source files.
//!
//! Every position inside dockmaster is a byte range in one file of a
//! [`SourceMap`](crate::source::SourceMap). Lines and columns are computed only
//! at the output edge, from the file's [`LineIndex`](crate::source::LineIndex).

use std::ops::Range;

/// Identifies one file of a [`SourceMap`](crate::source::SourceMap).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end}");
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A sub-span, given a range relative to this span's start. Clamped.
    pub fn slice(self, rel: Range<usize>) -> Span {
        let start = (self.start as usize + rel.start).min(self.end as usize);
        let end = (self.start as usize + rel.end).clamp(start, self.end as usize);
        Span::new(self.file, start, end)
    }

    pub fn contains(self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }
}
