//! The byte strings of a deferred event, stored inside the event itself.
//!
//! A deferred event is allocated by the caller's thread and freed by the
//! writer's. Every separate allocation it owned (a `String` per id, the
//! args' tree in Python) and every reference count it shared (a tool name's
//! `Arc`) moved a cache line between the two threads on every call: measured,
//! that cost the caller more than building the line. So the strings are
//! copied into one inline buffer, and the event is one allocation that only
//! the writer's thread touches once it is queued.

use std::mem::MaybeUninit;
use std::ptr::{self, addr_of_mut};

/// Asks for the cache lines of the `len` bytes at `p` in a writable state,
/// all at once, before they are written. A new event's memory was last
/// touched by the writer's thread (which freed the event it held), so each
/// line written had to be taken back from the other core; writing the event
/// field by field waited for them one after another (the samples of Node's
/// call path were on the first store into each line; bench/README.md).
#[inline(always)]
pub(crate) fn prefetch_for_write(p: *const u8, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let writable = prefetchw_supported();
        for off in (0..len).step_by(64) {
            let line = p.wrapping_add(off);
            // SAFETY: a prefetch is a hint: it never faults and changes no
            // memory, whatever the address. `prefetchw` only where CPUID
            // says the CPU has it (else a read prefetch, SSE's).
            unsafe {
                if writable {
                    std::arch::asm!("prefetchw [{0}]", in(reg) line, options(nostack, preserves_flags, readonly));
                } else {
                    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
                    _mm_prefetch::<_MM_HINT_T0>(line.cast::<i8>());
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (p, len);
}

/// Whether the CPU has `PREFETCHW` (CPUID 8000_0001h ECX bit 8), asked once.
#[cfg(target_arch = "x86_64")]
fn prefetchw_supported() -> bool {
    static SUPPORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SUPPORTED.get_or_init(|| {
        use std::arch::x86_64::__cpuid;
        // Leaf 8000_0001h only when the highest extended leaf includes it.
        __cpuid(0x8000_0000).eax >= 0x8000_0001 && __cpuid(0x8000_0001).ecx & (1 << 8) != 0
    })
}

/// An integer [`Packed::push_words`] stores: one byte each when every item
/// of the slice fits in one (a tape's codes and Latin-1 text, the usual
/// case: half or a quarter of the cache lines to write and to read), else
/// little-endian.
pub(crate) trait Word: Copy {
    /// `self` as little-endian bytes.
    fn to_le(self) -> impl AsRef<[u8]>;
    /// The value of `size_of::<Self>()` little-endian bytes.
    fn from_le(bytes: &[u8]) -> Self;
    /// Whether [`Word::to_byte`] keeps the value.
    fn fits_byte(self) -> bool;
    /// The value as one byte (exact when `fits_byte`).
    fn to_byte(self) -> u8;
    /// The value `to_byte` made `b` of.
    fn from_byte(b: u8) -> Self;
}

macro_rules! word {
    ($($t:ty => $byte:ty),*) => {$(
        impl Word for $t {
            fn to_le(self) -> impl AsRef<[u8]> {
                self.to_le_bytes()
            }
            fn from_le(bytes: &[u8]) -> Self {
                Self::from_le_bytes(bytes.try_into().expect("size_of::<Self>() bytes"))
            }
            fn fits_byte(self) -> bool {
                self as $byte as Self == self
            }
            fn to_byte(self) -> u8 {
                self as $byte as u8
            }
            fn from_byte(b: u8) -> Self {
                b as $byte as Self
            }
        }
    )*};
}
// Codes are small signed numbers; text units are Latin-1 when below 256.
word!(i32 => i8, u16 => u8);

/// Where [`Packed::push_words`] put a slice, and in which width.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Words {
    span: Span,
    /// One byte per item (else `size_of::<T>()` little-endian bytes).
    narrow: bool,
}

/// Inline room: an event's ids, tool name and typical args fit.
const INLINE: usize = 448;

/// Where one string lives in a [`Packed`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

/// Byte strings appended one after another; inline until they outgrow
/// [`INLINE`], then all on the heap (rare: long args).
///
/// The inline room is never zeroed: an event is built in place in its box
/// ([`Packed::init_at`]) and only the bytes pushed are written, so the
/// writer's thread reads only the cache lines the caller wrote (zeroing it
/// and copying the event into its box wrote all eleven, measured).
pub(crate) struct Packed {
    len: usize,
    /// Bytes `..len` are initialized while `heap` is empty.
    inline: [MaybeUninit<u8>; INLINE],
    heap: Vec<u8>,
}

impl Span {
    /// Nothing, before the string is pushed.
    pub(super) const EMPTY: Span = Span { start: 0, end: 0 };
}

impl Packed {
    #[cfg(test)]
    pub(super) fn new() -> Self {
        Self {
            len: 0,
            inline: [MaybeUninit::uninit(); INLINE],
            heap: Vec::new(),
        }
    }

    /// Writes an empty `Packed` at `p` without touching its inline room.
    ///
    /// # Safety
    /// `p` must be valid for writes and aligned (a field of a box being
    /// built in place).
    pub(super) unsafe fn init_at(p: *mut Packed) {
        // SAFETY: the caller's promise; `inline` needs no initializing.
        unsafe {
            addr_of_mut!((*p).len).write(0);
            addr_of_mut!((*p).heap).write(Vec::new());
        }
    }

    /// The bytes pushed so far, while they are inline.
    fn inline_bytes(&self) -> &[u8] {
        // SAFETY: bytes `..len` of `inline` were written by `push` (the
        // invariant while `heap` is empty; callers check it).
        unsafe { std::slice::from_raw_parts(self.inline.as_ptr().cast::<u8>(), self.len) }
    }

    /// Room for `n` more bytes at the end, inline when they fit, else on
    /// the heap (everything moves there once); returns where they go.
    fn room(&mut self, n: usize) -> (*mut u8, Span) {
        let start = self.len;
        let end = start + n;
        let at = if self.heap.is_empty() && end <= INLINE {
            // SAFETY: `start..end` is within `inline`.
            unsafe { self.inline.as_mut_ptr().add(start).cast::<u8>() }
        } else {
            if self.heap.is_empty() {
                let mut heap = Vec::with_capacity(end.max(2 * INLINE));
                heap.extend_from_slice(self.inline_bytes());
                self.heap = heap;
            }
            self.heap.resize(end, 0);
            // SAFETY: `start..end` is within `heap`.
            unsafe { self.heap.as_mut_ptr().add(start) }
        };
        self.len = end;
        // Spans index a buffer of at most one call's strings (< 4 GiB).
        let span = Span {
            start: start as u32,
            end: end as u32,
        };
        (at, span)
    }

    /// Appends `s`; returns where it is.
    pub(super) fn push(&mut self, s: &[u8]) -> Span {
        let (at, span) = self.room(s.len());
        // SAFETY: `room` gave `s.len()` writable bytes at `at`, apart from `s`.
        unsafe { ptr::copy_nonoverlapping(s.as_ptr(), at, s.len()) };
        span
    }

    /// Appends `parts` one after another; returns where they all are.
    pub(super) fn push_parts(&mut self, parts: &[&[u8]]) -> Span {
        let start = self.len as u32;
        for part in parts {
            self.push(part);
        }
        Span {
            start,
            end: self.len as u32,
        }
    }

    /// Appends `items`, one byte each when all fit in one, else their
    /// little-endian bytes; returns where they are (read back with
    /// [`Packed::words_into`]).
    pub(super) fn push_words<T: Word>(&mut self, items: &[T]) -> Words {
        if items.iter().all(|&x| x.fits_byte()) {
            let (at, span) = self.room(items.len());
            for (i, &x) in items.iter().enumerate() {
                // SAFETY: `room` gave `items.len()` writable bytes at `at`.
                unsafe { at.add(i).write(x.to_byte()) };
            }
            return Words { span, narrow: true };
        }
        let span = if cfg!(target_endian = "little") {
            let n = size_of_val(items);
            let (at, span) = self.room(n);
            // SAFETY: `room` gave `n` writable bytes at `at`, apart from
            // `items`, whose memory is their little-endian bytes here.
            unsafe { ptr::copy_nonoverlapping(items.as_ptr().cast::<u8>(), at, n) };
            span
        } else {
            let start = self.len as u32;
            for &item in items {
                self.push(item.to_le().as_ref());
            }
            Span {
                start,
                end: self.len as u32,
            }
        };
        Words {
            span,
            narrow: false,
        }
    }

    /// The items at `words` (pushed with [`Packed::push_words`]), into `out`
    /// (cleared first: the writer's thread reuses one per kind).
    pub(super) fn words_into<T: Word>(&self, words: Words, out: &mut Vec<T>) {
        out.clear();
        let bytes = self.get(words.span);
        match words.narrow {
            true => out.extend(bytes.iter().map(|&b| T::from_byte(b))),
            false => out.extend(bytes.chunks_exact(size_of::<T>()).map(T::from_le)),
        }
    }

    pub(super) fn push_str(&mut self, s: &str) -> Span {
        self.push(s.as_bytes())
    }

    /// How many bytes it holds.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The bytes at `span`.
    pub(super) fn get(&self, span: Span) -> &[u8] {
        let range = span.start as usize..span.end as usize;
        if self.heap.is_empty() {
            &self.inline_bytes()[range]
        } else {
            &self.heap[range]
        }
    }

    /// The string at `span` (pushed with [`Packed::push_str`]).
    pub(super) fn str(&self, span: Span) -> &str {
        // Only `push_str` spans are read back as text.
        std::str::from_utf8(self.get(span)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prefetching_any_address_is_harmless() {
        // Hints only: unmapped, null and misaligned addresses do not fault.
        let bytes = [7u8; 300];
        super::prefetch_for_write(bytes.as_ptr().wrapping_add(3), 200);
        super::prefetch_for_write(std::ptr::null(), 4096);
        super::prefetch_for_write(usize::MAX as *const u8, 64);
        assert_eq!(bytes, [7u8; 300], "nothing written");
    }

    use super::*;

    #[test]
    fn strings_read_back_inline_and_after_spilling() {
        let mut p = Packed::new();
        let a = p.push_str("abc");
        let b = p.push(&[]);
        let c = p.push_str("é☕");
        assert!(p.heap.is_empty());
        let long = "x".repeat(INLINE);
        let d = p.push_str(&long);
        assert!(!p.heap.is_empty(), "spilled");
        let e = p.push_str("tail");
        assert_eq!(
            (p.str(a), p.get(b), p.str(c), p.str(d), p.str(e)),
            ("abc", &[][..], "é☕", long.as_str(), "tail")
        );
    }

    #[test]
    fn words_read_back_inline_and_after_spilling() {
        let mut p = Packed::new();
        let ops = p.push_words(&[-1i32, 7, i32::MIN]);
        let units = p.push_words(&[0xd83du16, 0x61]);
        assert!(p.heap.is_empty());
        let many: Vec<u16> = (0..INLINE as u16).collect();
        let spilled = p.push_words(&many);
        assert!(!p.heap.is_empty(), "spilled");
        assert!(!(ops.narrow || units.narrow || spilled.narrow));
        assert_eq!(p.get(units.span), [0x3d, 0xd8, 0x61, 0], "little-endian");
        let (mut i32s, mut u16s) = (vec![9], vec![9]);
        p.words_into(ops, &mut i32s);
        assert_eq!(i32s, [-1, 7, i32::MIN]);
        p.words_into(units, &mut u16s);
        assert_eq!(u16s, [0xd83d, 0x61]);
        p.words_into(spilled, &mut u16s);
        assert_eq!(u16s, many);
    }

    #[test]
    fn words_that_fit_a_byte_take_one_each_and_read_back_exactly() {
        let mut p = Packed::new();
        let edges = [-128i32, -1, 0, 127];
        let ops = p.push_words(&edges);
        let latin1 = [0u16, 0x61, 0xe9, 0xff];
        let text = p.push_words(&latin1);
        let empty = p.push_words::<u16>(&[]);
        assert!(ops.narrow && text.narrow && empty.narrow);
        assert_eq!(p.len(), 8, "one byte per item");
        let (mut i32s, mut u16s) = (vec![9], vec![9]);
        p.words_into(ops, &mut i32s);
        assert_eq!(i32s, edges);
        p.words_into(text, &mut u16s);
        assert_eq!(u16s, latin1);
        p.words_into(empty, &mut u16s);
        assert!(u16s.is_empty());
        // Narrow items past the inline room spill like any bytes.
        let long: Vec<u16> = (0..2 * INLINE).map(|i| (i % 256) as u16).collect();
        let spilled = p.push_words(&long);
        assert!(spilled.narrow && !p.heap.is_empty());
        p.words_into(spilled, &mut u16s);
        assert_eq!(u16s, long);
        p.words_into(ops, &mut i32s);
        assert_eq!(i32s, edges, "what was inline moved with it");
        // One item past a byte makes the whole slice wide.
        for (wide, u) in [
            (&[5i32, 128][..], &[0x61u16, 0x100][..]),
            (&[-129, 0], &[0xffff, 0]),
        ] {
            let (w, v) = (p.push_words(wide), p.push_words(u));
            assert!(!(w.narrow || v.narrow));
            p.words_into(w, &mut i32s);
            p.words_into(v, &mut u16s);
            assert_eq!((&i32s[..], &u16s[..]), (wide, u));
        }
    }
}
