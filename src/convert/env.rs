//! The environment of a stage as RUN sees it and as expansions see it.

use std::collections::{BTreeMap, HashMap};

use crate::shell;

/// Ordered `KEY=value` pairs where setting a key again moves it to the end — the order
/// BuildKit's state env gives an ExecOp. (The image config's `Env` keeps positions instead;
/// see [`super::image::ImageConfig::set_env`].) Setting is O(log n), so stages with many
/// variables stay cheap.
#[derive(Debug, Clone, Default)]
pub struct EnvList {
    /// Assignment sequence number → key and value, in assignment order.
    order: BTreeMap<u64, (String, String)>,
    /// Key → its current sequence number.
    index: HashMap<String, u64>,
    next: u64,
}

impl EnvList {
    pub fn set(&mut self, key: &str, value: &str) {
        let seq = self.next;
        self.next += 1;
        if let Some(old) = self.index.insert(key.to_string(), seq) {
            self.order.remove(&old);
        }
        self.order.insert(seq, (key.to_string(), value.to_string()));
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let seq = self.index.get(key)?;
        self.order.get(seq).map(|(_, v)| v.as_str())
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.order.values().map(|(k, _)| k.as_str())
    }

    /// `K=V` strings in order.
    pub fn to_vec(&self) -> Vec<String> {
        self.order
            .values()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    /// Entries from `K=V` strings (an image config's `Env`).
    pub fn extend_from_strings<'a>(&mut self, entries: impl IntoIterator<Item = &'a String>) {
        for entry in entries {
            let (k, v) = entry.split_once('=').unwrap_or((entry.as_str(), ""));
            self.set(k, v);
        }
    }
}

impl shell::Env for EnvList {
    fn get(&self, name: &str) -> Option<&str> {
        EnvList::get(self, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resetting_a_key_moves_it_last() {
        let mut env = EnvList::default();
        env.set("A", "1");
        env.set("B", "2");
        env.set("A", "3");
        assert_eq!(env.to_vec(), ["B=2", "A=3"]);
        assert_eq!(env.get("A"), Some("3"));
        assert_eq!(env.get("C"), None);
    }

    #[test]
    fn from_image_strings() {
        let mut env = EnvList::default();
        env.extend_from_strings(&["PATH=/bin".to_string(), "EMPTY".to_string()]);
        assert_eq!(env.to_vec(), ["PATH=/bin", "EMPTY="]);
    }
}
