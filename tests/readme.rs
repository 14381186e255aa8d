//! The README's `console` examples are run as written and must print what it shows: a
//! newcomer's first read stays true as the output changes.

mod common;

use common::{run, stderr, stdout};

#[test]
fn the_readmes_console_examples_print_what_it_shows() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("\n```").next().unwrap_or("");
        let mut lines = block.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(command) = line.strip_prefix("$ samltrace ") else {
                continue;
            };
            let mut shown = String::new();
            while let Some(l) = lines.next_if(|l| !l.starts_with("$ ")) {
                shown.push_str(l);
                shown.push('\n');
            }
            let args: Vec<&str> = command.split_whitespace().collect();
            let out = run(&args);
            assert_eq!(
                stdout(&out),
                shown,
                "`samltrace {command}`\n{}",
                stderr(&out)
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "no console example was found");
}
