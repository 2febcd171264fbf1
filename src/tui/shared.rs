//! What every screen and dialog works with: the open diary, the clock, the language, the
//! settings in effect and the resolved paths (the caller's [`Session`]), the colours, and the
//! folder exports go to by default.

use std::path::PathBuf;

use crate::app::config::{Paths, Settings};
use crate::app::session::Session;
use crate::domain::clock::Clock;
use crate::present::i18n::I18n;
use crate::store::Store;
use crate::tui::theme::Theme;

pub struct Shared {
    pub store: Store,
    pub clock: Clock,
    pub i18n: I18n,
    pub settings: Settings,
    pub theme: Theme,
    /// The database, the settings file (for the JSON backup) and the data folder, resolved by
    /// the caller exactly as the command line resolves them; `paths.patient` is the named
    /// patient whose diary this is (shown in the top bar).
    pub paths: Paths,
    /// Where exports go by default.
    pub export_dir: PathBuf,
}

impl Shared {
    pub fn new(session: Session, theme: Theme) -> Shared {
        let Session {
            store,
            clock,
            i18n,
            settings,
            paths,
        } = session;
        Shared {
            store,
            clock,
            i18n: i18n.for_screen(),
            settings,
            theme,
            paths,
            export_dir: PathBuf::from("."),
        }
    }
}
