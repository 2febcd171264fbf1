//! Small closed vocabularies (drugs, sites, events …) with a stable snake_case code (stored in
//! the database and exports) and forgiving aliases (English, Chinese, abbreviations).

/// Declare a vocabulary: `code_enum!(Name, "i18n-prefix", { Variant => "code" [aliases…], … })`.
/// Aliases are matched case-insensitively, with `-`, `_` and spaces treated alike.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:expr, { $($(#[$vmeta:meta])* $variant:ident => $code:expr, [$($alias:expr),* $(,)?]),+ $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $(#[$meta])*
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The i18n key prefix of this vocabulary's labels (`<prefix>.<code>`).
            pub const PREFIX: &'static str = $prefix;

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($alias),*]),+ }
            }

            /// Parse a code or one of its aliases.
            pub fn parse(input: &str) -> Option<Self> {
                let key = $crate::domain::codes::fold(input);
                Self::ALL.iter().copied().find(|v| {
                    $crate::domain::codes::fold(v.code()) == key
                        || v.aliases().iter().any(|a| $crate::domain::codes::fold(a) == key)
                })
            }

            /// The accepted codes, for error messages.
            pub fn accepted() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }

            /// The translation key of this value's label.
            pub fn label_key(self) -> String {
                format!("{}.{}", Self::PREFIX, self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::ALL.iter().copied().find(|v| v.code() == s).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} '{}' (accepted: {})", stringify!($name), s, Self::accepted()
                    ))
                })
            }
        }
    };
}
pub(crate) use code_enum;

/// Fold for alias matching: lowercase, and `-`, `_`, spaces are the same.
pub fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}
