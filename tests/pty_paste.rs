//! Issue 12 item 11, in a real pseudo-terminal: text pasted with bracketed paste into an open
//! form goes into the focused field only. "45⏎w" neither saves the form (the Enter) nor opens
//! the weight form (the `w`): the field reads "45w", nothing is written.

mod common;

use common::Diary;
use common::screen::Screen;

#[test]
fn a_bracketed_paste_goes_into_the_focused_field_only() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60"]); // create the diary
    let before = d.content();
    let mut s = Screen::start(&d);
    assert!(s.wait_for("Today"), "first frame");
    assert!(s.wait_for("\x1b[?2004h"), "bracketed paste switched on");
    s.send(b"p");
    assert!(s.wait_for("Platelets"), "the platelet form is open");
    let mark = s.mark();
    s.send(b"\x1b[200~45\rw\x1b[201~");
    s.wait_for_since(mark, "45w");
    let after_paste = s.since(mark);
    assert!(
        after_paste.contains("45w"),
        "the pasted text is in the field: {after_paste:?}"
    );
    assert!(
        !after_paste.contains("Saved"),
        "the pasted Enter did not save"
    );
    assert!(
        !after_paste.contains("Weight"),
        "the pasted w did not open the weight form: {after_paste:?}"
    );
    // Leave: Esc asks to discard the typed form, y discards, q quits.
    s.send(b"\x1b");
    s.send(b"y");
    s.send(b"q");
    assert!(s.exit_success());
    assert_eq!(d.content(), before, "nothing was saved");
}
