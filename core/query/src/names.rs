//! [`Names`]: each distinct string of a kind that repeats (users, tools,
//! error classes, stop reasons) stored once, as a number, for the
//! per-run state of `runs` and `loops`.

use foldhash::HashMap;
use std::sync::Arc;

/// A name's number in [`Names`].
pub(super) type Sym = u32;
/// No name.
pub(super) const NONE: Sym = Sym::MAX;
/// What a filter names when nothing had it: matches nothing (not even [`NONE`]).
pub(super) const UNSEEN: Sym = Sym::MAX - 1;

/// The table; numbers are given in order of first appearance.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    ids: HashMap<Arc<str>, Sym>,
    names: Vec<Arc<str>>,
}

impl Names {
    /// The number of `name`, given it now if it is new.
    pub(super) fn sym(&mut self, name: &str) -> Sym {
        if let Some(&s) = self.ids.get(name) {
            return s;
        }
        let s = Sym::try_from(self.names.len())
            .ok()
            .filter(|s| *s < UNSEEN)
            .expect("fewer than 2^32 - 2 distinct names");
        let name: Arc<str> = Arc::from(name);
        self.names.push(Arc::clone(&name));
        self.ids.insert(name, s);
        s
    }

    /// The number of `name` if it was ever seen ([`UNSEEN`] otherwise).
    pub(super) fn find(&self, name: &str) -> Sym {
        self.ids.get(name).copied().unwrap_or(UNSEEN)
    }

    /// Every name, by number.
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| &**n)
    }

    /// The name of a number ([`NONE`] and [`UNSEEN`] have none).
    pub(super) fn name(&self, s: Sym) -> Option<&str> {
        self.names.get(s as usize).map(|n| &**n)
    }
}
