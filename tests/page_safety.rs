//! Page safety checks that need no browser (the browser ones are in
//! e2e/tests/safety.mjs): no code path inserts text as HTML, and the page's
//! Content-Security-Policy allows no inline script and no other origin.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("readable source tree")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Text from the URL, a scenario file or a panic message reaches the page
/// only as text (Yew's `{ text }`, `set_text_content`): none of the calls
/// that parse a string as HTML appears anywhere in the sources.
#[test]
fn nothing_is_inserted_as_html() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 10);
    // Built from pieces so this file does not match itself.
    let forbidden = [
        ["inner", "_html"].concat(),
        ["outer", "_html"].concat(),
        ["insert_adjacent", "_html"].concat(),
        ["from_html", "_unchecked"].concat(),
        ["create_contextual", "_fragment"].concat(),
        ["dangerously", "SetInnerHTML"].concat(),
        ["VR", "aw"].concat(),
        ["document", ".write"].concat(),
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).expect("utf-8 source");
        for word in &forbidden {
            assert!(
                !text.contains(word.as_str()),
                "{} uses {word}: text must never be parsed as HTML",
                file.display()
            );
        }
    }
    for js in ["static/loader.js"] {
        let text = std::fs::read_to_string(root.join(js)).expect(js);
        for word in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "eval(",
            "document.write",
        ] {
            assert!(!text.contains(word), "{js} uses {word}");
        }
    }
}

#[test]
fn the_policy_allows_no_inline_script_and_no_other_origin() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let html = std::fs::read_to_string(root.join("index.html")).expect("index.html");
    let policy = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a Content-Security-Policy <meta> in index.html");
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in {policy}"))
            .to_owned()
    };
    assert_eq!(
        directive("script-src"),
        "script-src 'self' 'wasm-unsafe-eval'"
    );
    assert_eq!(directive("default-src"), "default-src 'self'");
    assert_eq!(directive("object-src"), "object-src 'none'");
    for bad in [
        "unsafe-inline",
        "'unsafe-eval'",
        "http:",
        "https:",
        "*",
        "frame-ancestors",
    ] {
        assert!(!policy.contains(bad), "the policy contains {bad}: {policy}");
    }
    // No inline script in the source page, and Trunk writes none (its loader
    // is a file: `pattern_script` in Trunk.toml loads static/loader.js).
    assert!(!html.contains("<script"), "index.html has a <script>");
    let trunk = std::fs::read_to_string(root.join("Trunk.toml")).expect("Trunk.toml");
    let pattern = trunk
        .lines()
        .find(|l| l.starts_with("pattern_script"))
        .expect("Trunk.toml sets pattern_script (no inline loader)");
    assert!(pattern.contains(" src=\"{base}loader.js\""), "{pattern}");
}
