#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// CodeCarbon 3.3.2's header (38 columns), as our tracker writes it.
fn header() -> String {
    codecarbon_core::CSV_COLUMNS.join(",")
}

/// A full row of the 38 columns with these values.
fn row(project: &str, run: &str, emissions: &str, energy: &str) -> String {
    let mut fields: Vec<String> = codecarbon_core::CSV_COLUMNS
        .iter()
        .map(|c| match *c {
            "timestamp" => "2024-05-01T12:00:00".into(),
            "project_name" => project.into(),
            "run_id" => run.into(),
            "duration" => "60.0".into(),
            "emissions" => emissions.into(),
            "energy_consumed" => energy.into(),
            "cpu_energy" | "gpu_energy" | "ram_energy" => "0.1".into(),
            "country_name" => "Canada".into(),
            "country_iso_code" => "CAN".into(),
            "region" => "Quebec".into(),
            "on_cloud" => "N".into(),
            _ => String::new(),
        })
        .collect();
    fields.truncate(codecarbon_core::CSV_COLUMNS.len());
    fields.join(",")
}

/// What a read gave: the rows it handed over, and its account of the rest.
struct Got {
    rows: Vec<Row>,
    problems: Vec<Problem>,
    skipped: usize,
}

fn collect(name: &str, bytes: &[u8], index: usize) -> Got {
    let mut rows = Vec::new();
    let f = read_bytes(name, bytes, index, &mut |row| rows.push(row));
    assert_eq!(f.rows, rows.len(), "the count is the rows handed over");
    Got {
        rows,
        problems: f.problems,
        skipped: f.skipped,
    }
}

fn read(text: &str) -> Got {
    collect("x.csv", text.as_bytes(), 0)
}

fn messages(f: &Got) -> String {
    f.problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_file_written_by_the_tracker_reads_whole() {
    let text = format!(
        "{}\n{}\n{}\n",
        header(),
        row("a", "r1", "0.5", "2.0"),
        row("b", "r2", "0.25", "1.0")
    );
    let f = read(&text);
    assert_eq!(f.rows.len(), 2);
    assert_eq!(f.skipped, 0);
    assert!(f.problems.is_empty(), "{}", messages(&f));
    let r = &f.rows[0];
    assert_eq!(
        (r.project.as_str(), r.run_id.as_str(), r.line),
        ("a", "r1", 2)
    );
    assert_eq!(r.emissions, KgCo2eq(0.5));
    assert_eq!(r.energy, KilowattHours(2.0));
    assert_eq!(r.cpu_energy, Some(KilowattHours(0.1)));
    assert_eq!(r.duration_s, 60.0);
    assert_eq!(r.region, "quebec");
    assert_eq!(r.country_iso_code, "CAN");
    assert!(!r.on_cloud);
    assert_eq!(r.time_ms, Some(1_714_564_800_000));
    assert_eq!(f.rows[1].line, 3);
}

#[test]
fn an_empty_file_is_explained() {
    for text in ["", "  \n\n", "\u{feff}"] {
        let f = read(text);
        assert!(f.rows.is_empty());
        assert_eq!(f.problems.len(), 1);
        assert!(
            messages(&f).contains("x.csv: the file is empty"),
            "{}",
            messages(&f)
        );
    }
}

#[test]
fn a_header_without_rows_is_explained() {
    let f = read(&format!("{}\n", header()));
    assert!(f.rows.is_empty());
    assert!(
        messages(&f).contains("a header but no rows"),
        "{}",
        messages(&f)
    );
}

#[test]
fn a_file_without_emissions_or_energy_is_not_an_emissions_file() {
    let f = read("name,age\nbob,3\n");
    assert!(f.rows.is_empty());
    let m = messages(&f);
    assert!(
        m.contains("no `emissions` or `energy_consumed` column"),
        "{m}"
    );
}

#[test]
fn missing_columns_are_named_with_what_they_cost() {
    let f = read("emissions,energy_consumed\n0.5,2\n0.25,1\n");
    assert_eq!(f.rows.len(), 2);
    let m = messages(&f);
    assert!(m.contains("`timestamp` (no timeline)"), "{m}");
    assert!(
        m.contains("`project_name` (every row in one project)"),
        "{m}"
    );
    assert_eq!(f.rows[0].project, NO_PROJECT);
    assert_eq!(f.rows[0].time_ms, None);

    let only_emissions = read("project_name,emissions\np,0.5\n");
    assert_eq!(only_emissions.rows[0].energy, KilowattHours(0.0));
    assert!(messages(&only_emissions).contains("`energy_consumed` (energy unknown (counted as 0))"));
}

#[test]
fn extra_columns_are_noted_and_ignored() {
    let text = format!(
        "{},my_tag\n{},blue\n",
        header(),
        row("a", "r1", "0.5", "2.0")
    );
    let f = read(&text);
    assert_eq!(f.rows.len(), 1);
    assert!(messages(&f).contains("columns not used by the board: `my_tag`"));
}

#[test]
fn non_numeric_negative_and_empty_values_skip_the_row_with_its_line() {
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        header(),
        row("a", "r1", "abc", "2.0"),
        row("a", "r2", "-1", "2.0"),
        row("a", "r3", "0.5", ""),
        row("a", "r4", "NaN", "1"),
        row("a", "r5", "inf", "1"),
        row("a", "r6", "0.5", "1.5"),
    );
    let f = read(&text);
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].run_id, "r6");
    assert_eq!(f.skipped, 5);
    let m = messages(&f);
    assert!(
        m.contains("x.csv:2: `emissions` is `abc`, not a number"),
        "{m}"
    );
    assert!(m.contains("x.csv:3: `emissions` is `-1`"), "{m}");
    assert!(m.contains("x.csv:4: `energy_consumed` is empty"), "{m}");
    assert!(m.contains("x.csv:5: `emissions` is `NaN`"), "{m}");
    assert!(m.contains("x.csv:6: `emissions` is `inf`"), "{m}");
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_skipped() {
    let text = format!(
        "{}\n{}\n2024-05-01T12:00:00,a,r2,e,60\n{},extra\n",
        header(),
        row("a", "r1", "0.5", "2.0"),
        row("a", "r3", "0.5", "2.0")
    );
    let f = read(&text);
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.skipped, 2);
    let m = messages(&f);
    assert!(
        m.contains("x.csv:3: 5 fields where the header has 38"),
        "{m}"
    );
    assert!(
        m.contains("x.csv:4: 39 fields where the header has 38"),
        "{m}"
    );
}

#[test]
fn an_older_codecarbon_file_with_fewer_columns_reads_whole() {
    // CodeCarbon 2.2's 29 columns: no experiment_id, water, utilisation, pue, wue.
    let text = "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,\
gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,\
country_iso_code,region,cloud_provider,cloud_region,os,python_version,cpu_count,cpu_model,\
gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud
2023-01-02T10:00:00,old,u1,100.5,0.002,2e-05,42.5,0.0,3.0,0.0011,0.0,0.0001,0.0012,United States,\
USA,california,,,Linux,3.9.1,8,Intel,,,-122.1,37.4,16.0,machine,N
2023-01-02T11:00:00,old,u2,10,0.003,3e-05,42.5,0.0,3.0,0.0011,0.0,0.0001,0.0013,,,,gcp,\
us-central1,Linux,3.9.1,8,Intel,,,,,16.0,machine,Y
";
    let f = read(text);
    assert_eq!(f.rows.len(), 2, "{}", messages(&f));
    assert!(f.problems.is_empty(), "{}", messages(&f));
    assert_eq!(f.rows[0].region, "california");
    assert!(f.rows[1].on_cloud);
    assert_eq!(f.rows[1].cloud_provider, "gcp");
    assert_eq!(f.rows[1].cloud_region, "us-central1");
}

#[test]
fn unreadable_optional_values_keep_the_row_and_are_counted_once() {
    let mut lines = vec![header()];
    for i in 0..3 {
        lines.push(row("a", &format!("r{i}"), "0.5", "2.0").replacen("60.0", "soon", 1));
    }
    lines.push(row("a", "r9", "0.5", "2.0").replacen("2024-05-01T12:00:00", "yesterday", 1));
    let f = read(&(lines.join("\n") + "\n"));
    assert_eq!(f.rows.len(), 4);
    assert_eq!(f.rows[0].duration_s, 0.0);
    let m = messages(&f);
    assert!(
        m.contains("`duration` unreadable in 3 rows (first: line 2, `soon`): rows kept"),
        "{m}"
    );
    assert!(
        m.contains("`timestamp` unreadable in 1 row (first: line 5, `yesterday`)"),
        "{m}"
    );
    assert_eq!(f.rows[3].time_ms, None);
}

#[test]
fn bom_case_spaces_bad_utf8_and_blank_project() {
    let mut bytes =
        b"\xef\xbb\xbf Emissions , ENERGY_CONSUMED ,project_name,country_name\n".to_vec();
    bytes.extend_from_slice(b"0.5,2,,Fran\xe7e\n");
    let f = collect("y.csv", &bytes, 3);
    assert_eq!(f.rows.len(), 1, "{:?}", f.problems);
    let r = &f.rows[0];
    assert_eq!(r.file, 3);
    assert_eq!(r.project, NO_PROJECT);
    assert_eq!(r.country_name, "Fran\u{fffd}e");
}

#[test]
fn an_unterminated_quote_does_not_crash() {
    let text = "project_name,emissions,energy_consumed\na,0.5,1\n\"b,0.5,1\nc,0.5,1\n";
    let f = read(text);
    assert_eq!(f.rows.len(), 1);
    assert!(!f.problems.is_empty());
}

#[test]
fn a_missing_file_is_an_error_that_names_it() {
    let err = read_path(Path::new("/nonexistent/dir/emissions.csv"), 0, &mut |_| {}).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("cannot read /nonexistent/dir/emissions.csv"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("emissions.csv");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        let text = read_path(path, 0, &mut |_| {}).unwrap_err().to_string();
        assert!(
            text.contains(&path.display().to_string()) && text.contains("not a regular file"),
            "{text}"
        );
    }
}

#[test]
fn a_file_read_from_disk_streams_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emissions.csv");
    let rows: Vec<String> = (0..5000)
        .map(|i| row("p", &format!("r{i}"), "0.5", "1.0"))
        .collect();
    std::fs::write(&path, format!("{}\n{}\n", header(), rows.join("\n"))).unwrap();
    let mut lines = Vec::new();
    let f = read_path(&path, 0, &mut |row| lines.push(row.line)).unwrap();
    assert_eq!(f.rows, 5000);
    assert_eq!(lines.first(), Some(&2));
    assert_eq!(lines.last(), Some(&5001));
}

#[test]
fn skipped_rows_are_all_counted_and_the_first_explained() {
    let bad: Vec<String> = (0..MAX_PROBLEMS + 50)
        .map(|_| row("p", "r", "oops", "1.0"))
        .collect();
    let f = read(&format!("{}\n{}\n", header(), bad.join("\n")));
    assert_eq!(f.skipped, MAX_PROBLEMS + 50);
    assert_eq!(
        f.problems.iter().filter(|p| p.line.is_some()).count(),
        MAX_PROBLEMS
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// What every read must be, whatever the bytes: each skipped row explained with its line,
    /// and every row read from a line of the file.
    fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
        let f = collect("e.csv", bytes, 0);
        let lines = bytes.split(|&b| b == b'\n').count() as u64;
        let explained = f.problems.iter().filter(|p| p.line.is_some()).count();
        prop_assert!(
            explained >= f.skipped.min(MAX_PROBLEMS),
            "{} skipped, {explained} explained",
            f.skipped
        );
        prop_assert!(f.rows.iter().all(|r| r.line >= 2 && r.line <= lines + 1));
        prop_assert!(f.problems.iter().all(|p| !p.message.is_empty()));
        prop_assert!(
            !f.rows.is_empty() || !f.problems.is_empty(),
            "an empty read says why"
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_bytes_are_read_or_explained(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            check(&bytes)?;
        }

        /// Our header, then lines of CSV-ish text, numbers and dates.
        #[test]
        fn csv_like_rows_are_read_or_explained(
            rows in proptest::collection::vec("[0-9a-z.,\"eE+-]{0,60}|2024-0[1-9]-[0-3][0-9]T1[0-9]:00:00,p,r,[0-9.e-]{1,8},[0-9.e-]{1,8}", 0..20),
        ) {
            let text = format!("timestamp,project_name,run_id,emissions,energy_consumed\n{}", rows.join("\n"));
            check(text.as_bytes())?;
            let full = format!("{}\n{}", header(), rows.join("\n"));
            check(full.as_bytes())?;
        }
    }
}
