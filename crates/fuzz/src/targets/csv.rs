//! CSV import: a file's bytes read as an Insights CSV source is imported
//! (`insights::sources::csv::read_only`: size, encoding, binary check, delimiter,
//! header, names, both passes over the rows and every value converted to its column's
//! kind), into a throwaway in-memory table. No data folder is touched.

use super::{also_input, bucket, core_error, Target};
use studydesk_core::insights::sources::csv;

pub static TARGET: Target = Target { name: "csv", run, seeds, dict: DICT, mutate: None, max_len: 16 * 1024, uses_app: false };

const ZONES: [chrono_tz::Tz; 2] = [chrono_tz::UTC, chrono_tz::Pacific::Kiritimati];

fn run(data: &[u8]) -> String {
    // Messages quote the decoded text: note it, so quoted words stay out of the outcome's
    // shape (without it a third of the signatures were words of files in legacy encodings).
    if let Ok(encoding) = csv::encoding_of(data) {
        if encoding.name() != "UTF-8" {
            also_input(&encoding.decode(data).0);
        }
    }
    match csv::read_only(data, ZONES[data.len() % 2]) {
        Ok((columns, rows)) => {
            // Which kinds the file has, not their order: the order of a few columns of six
            // kinds is millions of outcomes (run of session 24: 100,000 signatures, the bound).
            let mut kinds: Vec<String> = columns.iter().map(|c| format!("{:?}{}", c.kind, if c.day_order.is_some() { "d" } else { "" })).collect();
            kinds.sort();
            kinds.dedup();
            format!("ok:c{}:r{}:{}", bucket(columns.len()), bucket(rows as usize), kinds.join(",").chars().take(40).collect::<String>())
        }
        Err(e) => core_error(e),
    }
}

/// A few files of every shape the reader decides on: delimiters, quotes, headers or not,
/// each column kind, day-first and month-first dates, BOMs and legacy encodings.
fn seeds() -> Vec<Vec<u8>> {
    let texts: &[&[u8]] = &[
        b"date,subject,minutes\n2024-09-01,Maths,45\n2024-09-02,Physics,30.5\n",
        b"name;score;passed\nAda;1,5;true\nLinus;2,25;false\n",
        b"when\thours\n31/12/2024\t2\n01/02/2025\t3\n",
        b"when|hours\n12/31/2024|2\n02/01/2025|3\n",
        b"\"quoted, name\",\"value \"\"x\"\"\"\n\"a\",1\n\"b\",2\n",
        b"1,2,3\n4,5,6\n",
        b"a,b\n1\n",
        b"title,at\nlab,2024-06-01T10:00:00Z\nexam,2024-06-02 09:30\n",
        b"\xef\xbb\xbfcol\n\xc3\xa9t\xc3\xa9\n",
        b"\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00",
        b"\xfe\xff\x00a\x00,\x00b\x00\n\x001\x00,\x002\x00\n",
        b"\x83\x65\x83\x58\x83\x67,\x90\x94\n\x82\xa0,1\n",
        b"caf\xe9,na\xefve\n1,2\n",
        b"x\r\ny\r\n1\r\n",
        b"\n\n  \nonly\n",
        b"",
    ];
    texts.iter().map(|t| t.to_vec()).collect()
}

const DICT: &[&[u8]] = &[
    b",", b";", b"\t", b"|", b"\"", b"\"\"", b"\r\n", b"\n", b"\r", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00",
    b"1", b"-1.5", b"1,5", b"1.000,5", b"1e308", b"-0", b"NaN", b"inf", b"2024-02-29", b"2024-02-30", b"31/12/2024",
    b"12/31/2024", b"2024-06-01T10:00:00Z", b"2024-06-01 10:00", b"10:00", b"true", b"false", b"yes", b"N/A", b"null",
    b"\xe2\x82\xac", b"\x82\xa0", b"\xe9", b"\xc3", b"  ",
];
