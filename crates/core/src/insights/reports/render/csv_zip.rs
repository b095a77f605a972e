//! The CSV report: a zip of one CSV per widget, each written as the app's CSV export
//! (`insights::export::table_csv`: RFC 4180, formulas defused), named from the widget's
//! title and unique within the zip. A widget whose data could not be read is a
//! `<title>.error.txt` saying why, so nothing is silently missing.

use super::ReportData;
use crate::insights::export::{file_stem, table_csv, unique_name};
use crate::{CoreError, Result};
use std::collections::HashSet;
use std::io::Write;

/// The zip's bytes.
pub fn render(data: &ReportData) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let failed = |e: &dyn std::fmt::Display| CoreError::io("could not make the report's zip", std::io::Error::other(e.to_string()));
    let mut taken = HashSet::new();
    for w in &data.widgets {
        let (name, body) = match &w.error {
            None => (unique_name(&file_stem(&w.title), "csv", &mut taken), table_csv(&w.table)),
            Some(why) => (unique_name(&file_stem(&w.title), "error.txt", &mut taken), format!("{}: {why}\n", w.title)),
        };
        zip.start_file(name, options).map_err(|e| failed(&e))?;
        zip.write_all(body.as_bytes()).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;
    use std::io::Read;

    #[test]
    fn the_zip_holds_one_parsable_csv_per_widget() {
        let mut data = sample::report(3);
        data.widgets[2].error = Some("the data source was deleted".into());
        let bytes = render(&data).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
        assert_eq!(names, ["Minutes-per-day.csv", "コース別.csv", "Bars.error.txt", "All-rows.csv", "Total.csv"]);
        let mut text = String::new();
        zip.by_name("コース別.csv").unwrap().read_to_string(&mut text).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["course", "share"]);
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(rows, [vec!["数学".to_string(), "60.5".into()], vec!["English".into(), "39.5".into()]]);
        let mut why = String::new();
        zip.by_name("Bars.error.txt").unwrap().read_to_string(&mut why).unwrap();
        assert!(why.contains("the data source was deleted"));
    }
}
