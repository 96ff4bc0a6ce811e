//! The environment of a stage as RUN sees it and as expansions see it.

use std::collections::HashMap;

use crate::shell;

/// Ordered `KEY=value` pairs where setting a key again moves it to the end — the order
/// BuildKit's state env gives an ExecOp. (The image config's `Env` keeps positions instead;
/// see [`super::image::ImageConfig::set_env`].) Setting is amortised O(1) and reuses the
/// entry's strings, so stages with many variables, and long FROM chains that set them all
/// again, stay cheap.
#[derive(Debug, Clone, Default)]
pub struct EnvList {
    /// Entries in assignment order; `None` where a key was set again later.
    slots: Vec<Option<(String, String)>>,
    /// Key → its slot.
    index: HashMap<String, usize, BuildKeyHasher>,
}

/// A fast hash for variable names (FxHash's multiply-rotate): the keys come from the build's
/// own Dockerfile and base images, so SipHash's protection buys nothing here.
#[derive(Debug, Clone, Copy, Default)]
struct BuildKeyHasher;

impl std::hash::BuildHasher for BuildKeyHasher {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

/// The hasher of [`BuildKeyHasher`].
#[derive(Debug, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl EnvList {
    pub fn set(&mut self, key: &str, value: &str) {
        let slot = self.slots.len();
        let entry = match self.index.get_mut(key) {
            Some(at) => {
                let old = std::mem::replace(at, slot);
                match self.slots.get_mut(old).and_then(Option::take) {
                    Some((k, mut v)) => {
                        if v != value {
                            v.clear();
                            v.push_str(value);
                        }
                        (k, v)
                    }
                    None => (key.to_string(), value.to_string()),
                }
            }
            None => {
                self.index.insert(key.to_string(), slot);
                (key.to_string(), value.to_string())
            }
        };
        self.slots.push(Some(entry));
        if self.slots.len() > 2 * self.index.len() + 16 {
            self.compact();
        }
    }

    /// Drops the emptied slots (when they outnumber the entries).
    fn compact(&mut self) {
        self.slots.retain(Option::is_some);
        for (i, (k, _)) in self.slots.iter().flatten().enumerate() {
            if let Some(at) = self.index.get_mut(k) {
                *at = i;
            }
        }
    }

    fn entries(&self) -> impl Iterator<Item = &(String, String)> {
        self.slots.iter().flatten()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let at = *self.index.get(key)?;
        self.slots.get(at)?.as_ref().map(|(_, v)| v.as_str())
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries().map(|(k, _)| k.as_str())
    }

    /// `K=V` strings in order.
    pub fn to_vec(&self) -> Vec<String> {
        self.entries().map(|(k, v)| format!("{k}={v}")).collect()
    }

    /// Entries from `K=V` strings (an image config's `Env`), set in order.
    pub fn extend_from_strings(&mut self, entries: &[String]) {
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
        // The same entries again: nothing moves.
        env.extend_from_strings(&["PATH=/bin".to_string(), "EMPTY".to_string()]);
        assert_eq!(env.to_vec(), ["PATH=/bin", "EMPTY="]);
        // Other order or values: set one by one, each moving last.
        env.set("X", "1");
        env.extend_from_strings(&["EMPTY=".to_string(), "PATH=/usr/bin".to_string()]);
        assert_eq!(env.to_vec(), ["X=1", "EMPTY=", "PATH=/usr/bin"]);
    }

    #[test]
    fn many_resets_keep_order_and_values() {
        let mut env = EnvList::default();
        for round in 0..50 {
            for key in ["A", "B", "C"] {
                env.set(key, &format!("{key}{round}"));
            }
            env.set("A", &format!("again{round}"));
        }
        assert_eq!(env.to_vec(), ["B=B49", "C=C49", "A=again49"]);
        assert_eq!(env.get("A"), Some("again49"));
        assert_eq!(env.keys().collect::<Vec<_>>(), ["B", "C", "A"]);
        assert!(env.slots.len() <= 2 * 3 + 16 + 1);
    }
}
