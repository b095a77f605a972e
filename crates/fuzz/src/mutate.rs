//! Byte-level mutations (stacked, as AFL's havoc stage does): bit and byte flips,
//! interesting bytes and numbers, deletions, duplications, insertions, dictionary tokens
//! of the target, and splices with another corpus entry. Deterministic for a seed.

/// A small, fast generator (splitmix64): reproducible runs, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

const INTERESTING_BYTES: &[u8] = b"\x00\xff\x7f\x80\n\r \t\"',;:=\\/{}[]-+.0919azAZ\xc3\xe2\xf0";
const INTERESTING_NUMBERS: &[&[u8]] = &[
    b"0", b"-1", b"1", b"-0", b"255", b"256", b"65535", b"65536", b"2147483647", b"2147483648", b"-2147483649",
    b"4294967296", b"9223372036854775807", b"9223372036854775808", b"-9223372036854775808", b"99999999999999999999999",
    b"1e308", b"1e-400", b"0.5", b"NaN", b"00", b"0x10",
];

/// A mutated copy of `input`, at most `max_len` bytes.
pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], dict: &[&[u8]], max_len: usize) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 << rng.below(4);
    for _ in 0..rounds {
        one(rng, &mut out, corpus, dict);
    }
    out.truncate(max_len);
    out
}

fn one(rng: &mut Rng, out: &mut Vec<u8>, corpus: &[Vec<u8>], dict: &[&[u8]]) {
    let len = out.len();
    match rng.below(12) {
        0 if len > 0 => {
            let i = rng.below(len);
            out[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            out[i] = rng.next_u64() as u8;
        }
        2 if len > 0 => {
            let i = rng.below(len);
            out[i] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let most = if rng.one_in(4) { len - at } else { (len - at).min(16) };
            let n = 1 + rng.below(most);
            out.drain(at..at + n);
        }
        4 if len > 0 => {
            let from = rng.below(len);
            let n = 1 + rng.below((len - from).min(64));
            let chunk = out[from..from + n].to_vec();
            let times = if rng.one_in(8) { 1 + rng.below(64) } else { 1 };
            let at = rng.below(len + 1);
            let repeated: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
            out.splice(at..at, repeated);
        }
        5 | 6 if !dict.is_empty() => {
            let token = dict[rng.below(dict.len())];
            let at = rng.below(len + 1);
            if rng.one_in(2) || len == 0 {
                out.splice(at..at, token.iter().copied());
            } else {
                let end = (at + token.len()).min(len);
                out.splice(at..end, token.iter().copied());
            }
        }
        7 if !corpus.is_empty() => {
            let other = &corpus[rng.below(corpus.len())];
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            out.truncate(cut);
            out.extend_from_slice(&other[from..]);
        }
        8 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            out.splice(at..at, bytes);
        }
        9 => replace_number(rng, out),
        10 if len > 1 => {
            // Swap two bytes (reorders delimiters, quotes, CRLF).
            let (a, b) = (rng.below(len), rng.below(len));
            out.swap(a, b);
        }
        _ if len > 0 => {
            let at = rng.below(len);
            out.truncate(at);
        }
        _ => out.push(INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())]),
    }
}

/// Replaces a run of ASCII digits (or inserts a number) with an interesting number.
fn replace_number(rng: &mut Rng, out: &mut Vec<u8>) {
    let number = INTERESTING_NUMBERS[rng.below(INTERESTING_NUMBERS.len())];
    let digits: Vec<usize> = out.iter().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
    let Some(&start) = rng.pick(&digits) else {
        let at = rng.below(out.len() + 1);
        out.splice(at..at, number.iter().copied());
        return;
    };
    let mut end = start;
    while end < out.len() && out[end].is_ascii_digit() {
        end += 1;
    }
    out.splice(start..end, number.iter().copied());
}
