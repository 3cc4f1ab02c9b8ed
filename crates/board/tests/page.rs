//! The page and the server, through the public API: nothing on the page points outside it,
//! and the server answers on 127.0.0.1 only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_board::{Board, BoardError, Server, CONTENT_SECURITY_POLICY};
use codecarbon_testkit::client::Answer;
use std::path::{Path, PathBuf};

const CSV: &str = "timestamp,project_name,run_id,duration,emissions,energy_consumed,\
country_name,country_iso_code,region,cloud_provider,cloud_region,on_cloud
2024-05-01T10:00:00,alpha,r1,60,0.5,2.0,United States,USA,california,,,N
2024-05-01T11:00:00,beta,r2,60,0.25,1.0,Canada,CAN,ontario,gcp,northamerica-northeast2,Y
2024-05-01T12:00:00,beta,r3,60,x,1.0,Canada,CAN,ontario,,,N
";

fn board(dir: &Path) -> (Board, PathBuf) {
    let path = dir.join("emissions.csv");
    std::fs::write(&path, CSV).unwrap();
    (Board::load(std::slice::from_ref(&path)).unwrap(), path)
}

/// The JSON of the `<script type="application/json" id="ID">` element.
fn block(html: &str, id: &str) -> serde_json::Value {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = html.find(&open).unwrap_or_else(|| panic!("no {id}")) + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[test]
fn the_page_is_self_contained_and_fetches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (board, _) = board(dir.path());
    let html = board.html().unwrap();
    // No element loads anything from anywhere: no src or href to a URL, no CSS url(), no
    // @import, no fetch or XHR in the script.
    for needle in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "url(\"http",
        "@import",
        "fetch(",
        "XMLHttpRequest",
        "<link rel=\"stylesheet",
        "<iframe",
        "//cdn",
    ] {
        assert!(!html.contains(needle), "the page contains `{needle}`");
    }
    // The only http(s) texts are the SVG namespace and source citations shown as text.
    for (i, _) in html
        .match_indices("http://")
        .chain(html.match_indices("https://"))
    {
        let around = &html[i..(i + 40).min(html.len())];
        assert!(
            around.starts_with("http://www.w3.org/2000/svg"),
            "unexpected URL in the page: {around}"
        );
    }
    assert!(html.contains(CONTENT_SECURITY_POLICY));
    assert!(CONTENT_SECURITY_POLICY.contains("default-src 'none'"));
    // Data, maps and the ISO table are inline; the model's totals are the CSV's sums.
    let model = block(&html, "model");
    assert_eq!(model["totals"]["emissions"], 0.75);
    assert_eq!(model["totals"]["energy"], 3.0);
    assert_eq!(model["skipped"], 1);
    assert_eq!(block(&html, "map-world")["type"], "Topology");
    assert_eq!(block(&html, "map-us")["type"], "Topology");
    assert_eq!(block(&html, "map-ca")["type"], "Topology");
    assert_eq!(block(&html, "iso-numeric")["250"], "FRA");
}

#[test]
fn text_from_the_csv_cannot_close_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    std::fs::write(
        &path,
        "project_name,emissions,energy_consumed\n</script><script>alert(1)</script>,1,1\n",
    )
    .unwrap();
    let html = Board::load(&[path]).unwrap().html().unwrap();
    assert!(!html.contains("</script><script>alert(1)"));
    assert_eq!(
        block(&html, "model")["projects"][0]["name"],
        "</script><script>alert(1)</script>"
    );
}

#[test]
fn only_the_maps_needed_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fr.csv");
    std::fs::write(
        &path,
        "project_name,emissions,energy_consumed,country_iso_code\np,1,1,FRA\n",
    )
    .unwrap();
    let html = Board::load(&[path]).unwrap().html().unwrap();
    assert!(html.contains("id=\"map-world\""));
    assert!(!html.contains("id=\"map-us\""));
    assert!(!html.contains("id=\"map-ca\""));
}

#[test]
fn the_report_is_written_and_an_unwritable_path_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let (board, _) = board(dir.path());
    let out = dir.path().join("report.html");
    board.write_report(&out).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        board.html().unwrap()
    );
    let err = board
        .write_report(Path::new("/nonexistent/dir/report.html"))
        .unwrap_err();
    assert!(matches!(err, BoardError::Write { .. }));
    assert!(
        err.to_string().contains("/nonexistent/dir/report.html"),
        "{err}"
    );
}

#[test]
fn the_page_is_never_written_over_a_file_it_is_made_from() {
    let dir = tempfile::tempdir().unwrap();
    let (board, input) = board(dir.path());
    let hard_link = dir.path().join("same.csv");
    std::fs::hard_link(&input, &hard_link).unwrap();
    let mut names = vec![input.clone(), dir.path().join("./emissions.csv"), hard_link];
    #[cfg(unix)]
    {
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        names.push(link);
    }
    for output in names {
        let err = board.write_report(&output).unwrap_err();
        assert!(matches!(err, BoardError::OutputIsInput { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(&output.display().to_string()) && text.contains("--output report.html"),
            "{text}"
        );
    }
    assert_eq!(std::fs::read_to_string(&input).unwrap(), CSV);
}

#[cfg(unix)]
#[test]
fn a_link_or_a_fifo_where_the_page_goes_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let (board, _) = board(dir.path());
    let passwd = dir.path().join("passwd");
    std::fs::write(&passwd, "root:x:0:0\n").unwrap();
    let link = dir.path().join("report.html");
    std::os::unix::fs::symlink(&passwd, &link).unwrap();
    let err = board.write_report(&link).unwrap_err().to_string();
    assert!(
        err.contains("symbolic link") && err.contains("report.html"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&passwd).unwrap(), "root:x:0:0\n");
    let fifo = dir.path().join("fifo.html");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let err = board.write_report(&fifo).unwrap_err().to_string();
    assert!(
        err.contains("FIFO") && err.contains("not a regular file"),
        "{err}"
    );
    let err = board
        .write_report(Path::new("/dev/null"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("character device"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_page_written_again_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (board, _) = board(dir.path());
    let out = dir.path().join("report.html");
    board.write_report(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o604)).unwrap();
    board.write_report(&out).unwrap();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o604);
}

#[test]
fn the_terminal_summary_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (board, _) = board(dir.path());
    let summary = board.summary();
    assert_eq!(summary.len(), 2, "{summary:?}");
    let expected = format!(
        "1 row of {} skipped: line 4: `emissions` is `x`, not a number",
        board.files()[0].name
    );
    assert_eq!(summary[0], expected);
    assert!(
        summary[1].contains("`cpu_energy` (no CPU share)"),
        "{summary:?}"
    );
    assert_eq!(board.problems().count(), 2);
}

fn get(port: u16, path: &str) -> Answer {
    codecarbon_testkit::client::get(&format!("127.0.0.1:{port}"), path).unwrap()
}

#[test]
fn the_server_serves_the_page_its_data_and_reads_changed_files_again() {
    let dir = tempfile::tempdir().unwrap();
    let (board, path) = board(dir.path());
    let server = Server::bind(None).unwrap();
    let port = server.port();
    assert_ne!(port, 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/"));
    std::thread::spawn(move || server.serve(board, |_| {}));

    let page = get(port, "/");
    assert_eq!(page.status, 200, "{}", page.head);
    assert!(page.head.contains("text/html"), "{}", page.head);
    assert!(page.head.contains("default-src 'none'"), "{}", page.head);
    assert!(page.body.contains("id=\"model\""));

    let data = get(port, "/model.json");
    assert_eq!(data.status, 200, "{}", data.head);
    let model: serde_json::Value = serde_json::from_str(&data.body).unwrap();
    assert_eq!(model["totals"]["runs"], 2);

    assert_eq!(get(port, "/elsewhere").status, 404);

    // A new run appended: the next request shows it.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2024-05-01T13:00:00,alpha,r4,60,1.0,4.0,France,FRA,,,,N\n");
    std::fs::write(&path, text).unwrap();
    let model: serde_json::Value = serde_json::from_str(&get(port, "/model.json").body).unwrap();
    assert_eq!(model["totals"]["runs"], 3);
    assert_eq!(model["totals"]["emissions"], 1.75);
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = Server::bind(Some(port)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.contains("leave out --port"), "{text}");
}

#[test]
fn a_reload_is_told_to_the_serving_thread_and_an_early_request_waits_for_the_board() {
    let dir = tempfile::tempdir().unwrap();
    let (board, path) = board(dir.path());
    let server = Server::bind(None).unwrap();
    let port = server.port();
    // Asked before `serve` has the board: answered once it has, not refused.
    let early = std::thread::spawn(move || get(port, "/model.json"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let (told, reloads) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        server.serve_reporting(
            board,
            move |fresh| {
                let _ = told.send(fresh.model().totals.runs);
            },
            |_| {},
        )
    });
    let early = early.join().unwrap();
    assert_eq!(early.status, 200, "{}", early.head);

    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2024-05-01T13:00:00,alpha,r4,60,1.0,4.0,France,FRA,,,,N\n");
    std::fs::write(&path, text).unwrap();
    assert_eq!(get(port, "/").status, 200);
    let runs = reloads
        .recv_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    assert_eq!(runs, 3);
}

/// Appends a run to `path`, so that the next request reads the files again.
fn append_run(path: &Path, id: &str) {
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(&format!(
        "2024-05-01T13:00:00,alpha,{id},60,1.0,4.0,France,FRA,,,,N\n"
    ));
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_reload_summary_that_blocks_never_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (board, path) = board(dir.path());
    let server = Server::bind(None).unwrap();
    let port = server.port();
    // The terminal's summary blocks (a paused terminal, a pager not scrolled) until released.
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (told, reloads) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        server.serve(board, move |fresh| {
            let _ = told.send(fresh.model().totals.runs);
            let _ = released.recv();
        })
    });
    append_run(&path, "r4");
    assert_eq!(get(port, "/").status, 200);
    let runs = reloads
        .recv_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    assert_eq!(runs, 3);
    // While the summary is stuck, the server answers, and reads the files again, twice.
    for (id, runs) in [("r5", 4), ("r6", 5)] {
        append_run(&path, id);
        let model: serde_json::Value =
            serde_json::from_str(&get(port, "/model.json").body).unwrap();
        assert_eq!(model["totals"]["runs"], runs);
    }
    assert_eq!(get(port, "/").status, 200);
    // Released, the terminal is told of the latest reading, once.
    release.send(()).unwrap();
    let runs = reloads
        .recv_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    assert_eq!(runs, 5);
    release.send(()).unwrap();
    assert!(reloads
        .recv_timeout(std::time::Duration::from_millis(300))
        .is_err());
}

#[test]
fn a_server_that_never_served_stops_at_once_with_a_request_waiting() {
    let server = Server::bind(None).unwrap();
    let port = server.port();
    let early = std::thread::spawn(move || {
        codecarbon_testkit::client::get(&format!("127.0.0.1:{port}"), "/model.json")
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    drop(server);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // The request that waited gets no answer, and is not left waiting.
    assert!(early.join().unwrap().is_none());
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
