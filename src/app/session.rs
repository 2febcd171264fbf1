//! What both faces share while the diary is open: the store, the clock, the language, the
//! settings in effect and the resolved paths. The caller (the command line) resolves them
//! once, so the terminal face reads the same settings file and writes the same folders as
//! the commands do.

use crate::app::config::{Paths, Settings};
use crate::domain::clock::Clock;
use crate::present::i18n::I18n;
use crate::store::Store;

pub struct Session {
    pub store: Store,
    pub clock: Clock,
    pub i18n: I18n,
    pub settings: Settings,
    pub paths: Paths,
}
