//! The catalogue entries closest to a text that matches none: words in common, each weighted
//! by how rare it is in the catalogue (inverse document frequency), scored as a weighted F2
//! score between the text's known words and the words of the entry's closest wording: how much
//! of the text the wording covers counts four times as much as how much of the wording the text
//! covers, so that the start of a long message finds that message. "SAML" and "response" count
//! for little; "assertion" or "fingerprint" for much. A word one typo away from a catalogue
//! word counts as that word.
//!
//! Pure. The index over the catalogue is built once.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::catalogue::{self, Entry};
use super::matching::normalise;

/// Words that say nothing about which message it is.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "has", "have", "in",
    "is", "it", "of", "on", "or", "so", "that", "the", "this", "to", "was", "were", "with", "your",
    "you",
];

/// One entry and how close it is, from 0 (nothing in common) to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closest {
    pub entry: &'static Entry,
    pub score: f64,
}

struct Index {
    /// Each entry's wordings' words.
    entries: Vec<(&'static Entry, Vec<HashSet<String>>)>,
    /// Each word's weight.
    idf: HashMap<String, f64>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let entries: Vec<_> = catalogue::entries().map(|e| (e, entry_words(e))).collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for (_, wordings) in &entries {
            let words: HashSet<&String> = wordings.iter().flatten().collect();
            for w in words {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        let n = entries.len() as f64;
        let idf = df
            .into_iter()
            .map(|(w, d)| (w, (1.0 + n / d as f64).ln()))
            .collect();
        Index { entries, idf }
    })
}

/// The words of each of an entry's wordings, without their `%{…}` values.
fn entry_words(e: &Entry) -> Vec<HashSet<String>> {
    e.wordings()
        .map(|w| {
            let literal: Vec<&str> = w
                .split("%{")
                .map(|piece| piece.split_once('}').map_or(piece, |(_, rest)| rest))
                .collect();
            words(&normalise(&literal.join(" ")).text)
                .into_iter()
                .collect()
        })
        .collect()
}

/// The words of a folded text: runs of letters and digits, stop words and lone letters left
/// out, a plural "s" taken off, number words as digits.
pub fn words(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit()))
        .map(stem)
        .collect()
}

/// Number words as the catalogue writes them ("must contain 1 assertion").
const NUMBERS: &[(&str, &str)] = &[("one", "1"), ("two", "2"), ("single", "1")];

fn stem(word: &str) -> String {
    if let Some((_, digit)) = NUMBERS.iter().find(|(w, _)| *w == word) {
        return (*digit).to_owned();
    }
    match word.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_owned(),
        _ => word.to_owned(),
    }
}

/// The catalogue word a text's word stands for: itself, or the one a single typo away.
fn known(word: &str, idf: &'static HashMap<String, f64>) -> Option<&'static str> {
    if let Some((known, _)) = idf.get_key_value(word) {
        return Some(known);
    }
    if word.chars().count() < 5 {
        return None;
    }
    idf.keys()
        .filter(|k| one_edit_apart(word, k))
        .min()
        .map(String::as_str)
}

/// True when one insertion, deletion or substitution turns `a` into `b`.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short.get(prefix + 1..) == long.get(prefix + 1..)
    } else {
        short.get(prefix..) == long.get(prefix + 1..)
    }
}

/// The `n` entries closest to a folded text, closest first; entries sharing no word are left
/// out.
pub fn closest(folded: &str, n: usize) -> Vec<Closest> {
    let index = index();
    let query: HashSet<&str> = words(folded)
        .iter()
        .filter_map(|w| known(w, &index.idf))
        .collect();
    let weight = |w: &str| index.idf.get(w).copied().unwrap_or(0.0);
    let query_weight: f64 = query.iter().map(|w| weight(w)).sum();
    let f2 = |words: &HashSet<String>| {
        let shared: f64 = query
            .iter()
            .filter(|w| words.contains(**w))
            .map(|w| weight(w))
            .sum();
        let wording: f64 = words.iter().map(|w| weight(w)).sum();
        if shared <= 0.0 {
            return 0.0;
        }
        let (recall, precision) = (shared / query_weight, shared / wording);
        5.0 * precision * recall / (4.0 * precision + recall)
    };
    let mut scored: Vec<Closest> = index
        .entries
        .iter()
        .filter_map(|(entry, wordings)| {
            let score = wordings.iter().map(f2).fold(0.0, f64::max);
            (score > 0.0).then_some(Closest { entry, score })
        })
        .collect();
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.entry.code.cmp(b.entry.code))
    });
    scored.truncate(n);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_stop_words_lone_letters_and_plurals() {
        assert_eq!(
            words("the attributes have expired, based on a 1 x"),
            ["attribute", "expired", "based", "1"]
        );
        assert_eq!(words("access class"), ["access", "class"]);
    }

    #[test]
    fn one_edit_apart_allows_one_typo_only() {
        assert!(one_edit_apart("asertion", "assertion"));
        assert!(!one_edit_apart("assertoin", "assertion"));
        assert!(one_edit_apart("fingerprnt", "fingerprint"));
        assert!(one_edit_apart("digest", "digesT"));
        assert!(!one_edit_apart("digest", "digests!!"));
    }

    #[test]
    fn rare_words_outweigh_common_ones() {
        let idf = &index().idf;
        assert!(idf["assertion"] > idf["saml"]);
        assert!(idf["fingerprint"] > idf["response"]);
    }
}
