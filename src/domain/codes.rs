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

            /// Decode a stored code: an exact match, no allocation (the forgiving
            /// [`Self::parse`] is for what a user types).
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// Parse a code or one of its aliases (user input).
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
                // A visitor reads the code in place: no String per decoded value.
                struct Code;
                impl serde::de::Visitor<'_> for Code {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        write!(f, "a {} code", stringify!($name))
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        $name::from_code(s).ok_or_else(|| {
                            E::custom(format!(
                                "unknown {} '{}' (accepted: {})",
                                stringify!($name), s, $name::accepted()
                            ))
                        })
                    }
                }
                d.deserialize_str(Code)
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

#[cfg(test)]
mod tests {
    use crate::domain::drugs::Drug;
    use crate::domain::entry::{Kind, Source};

    #[test]
    fn stored_codes_decode_exactly_and_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(*k));
            let json = serde_json::to_string(k).expect("serialise");
            assert_eq!(serde_json::from_str::<Kind>(&json).expect("decode"), *k);
        }
        for d in Drug::ALL {
            assert_eq!(Drug::from_code(d.code()), Some(*d));
        }
        // Aliases and other spellings are for typed input only, never for stored codes.
        assert_eq!(Kind::parse("Side-Effect"), Some(Kind::SideEffect));
        assert_eq!(Kind::from_code("Side-Effect"), None);
        assert_eq!(Kind::from_code(" platelets"), None);
        assert_eq!(Source::from_code("TYPED"), None);
        assert!(serde_json::from_str::<Kind>("\"Platelets\"").is_err());
    }
}
