//! The drugs an ITP patient may log (clinical.md 6.1) and the CsA interaction list (6.2).

use super::codes::code_enum;
use super::units::Quantity;

code_enum!(
    /// ITP drugs of clinical.md 6.1. Aliases include the Chinese names of glossary-zh.md.
    Drug, "drug", {
    Cyclosporine => "cyclosporine", ["csa", "cya", "ciclosporin", "ciclosporine", "cyclosporin", "cyclosporin a", "ciclosporin a", "环孢素", "环孢菌素", "环孢菌素a", "环孢素a"],
    Prednisone => "prednisone", ["pred", "泼尼松", "强的松"],
    Prednisolone => "prednisolone", ["泼尼松龙"],
    Dexamethasone => "dexamethasone", ["dex", "dexa", "地塞米松"],
    Methylprednisolone => "methylprednisolone", ["mp", "methylpred", "甲泼尼龙", "甲强龙"],
    Ivig => "ivig", ["immunoglobulin", "丙种球蛋白", "静注人免疫球蛋白", "丙球"],
    Eltrombopag => "eltrombopag", ["promacta", "revolade", "艾曲泊帕"],
    Avatrombopag => "avatrombopag", ["doptelet", "阿伐曲泊帕"],
    Hetrombopag => "hetrombopag", ["海曲泊帕"],
    Romiplostim => "romiplostim", ["nplate", "romiplate", "罗米司亭"],
    Rhtpo => "rhtpo", ["tpo", "tpiao", "特比澳", "重组人血小板生成素"],
    Rituximab => "rituximab", ["rtx", "mabthera", "rituxan", "利妥昔单抗", "美罗华"],
    Danazol => "danazol", ["达那唑"],
    Mycophenolate => "mycophenolate", ["mmf", "mycophenolate mofetil", "cellcept", "吗替麦考酚酯", "骁悉"],
    Azathioprine => "azathioprine", ["aza", "imuran", "硫唑嘌呤"],
    Fostamatinib => "fostamatinib", ["tavalisse", "福他替尼"],
});

code_enum!(
    /// How a drug is given.
    Route, "route", {
    Oral => "oral", ["po", "by mouth", "口服"],
    Iv => "iv", ["intravenous", "静脉", "静滴"],
    Sc => "sc", ["subcutaneous", "subcut", "皮下"],
});

impl Drug {
    /// The usual route (clinical.md 6.1).
    pub fn default_route(self) -> Route {
        match self {
            Drug::Ivig | Drug::Rituximab => Route::Iv,
            Drug::Romiplostim | Drug::Rhtpo => Route::Sc,
            _ => Route::Oral,
        }
    }

    /// rhTPO is dosed in units; every other drug by mass (canonical mg).
    pub fn dose_quantity(self) -> Quantity {
        match self {
            Drug::Rhtpo => Quantity::DoseUnits,
            _ => Quantity::DoseMass,
        }
    }

    /// ATC code (clinical.md 7.2); `None` where WHO has none (rhTPO).
    pub fn atc(self) -> Option<&'static str> {
        Some(match self {
            Drug::Cyclosporine => "L04AD01",
            Drug::Prednisone => "H02AB07",
            Drug::Prednisolone => "H02AB06",
            Drug::Dexamethasone => "H02AB02",
            Drug::Methylprednisolone => "H02AB04",
            Drug::Ivig => "J06BA02",
            Drug::Eltrombopag => "B02BX05",
            Drug::Avatrombopag => "B02BX08",
            Drug::Hetrombopag => return None,
            Drug::Romiplostim => "B02BX04",
            Drug::Rhtpo => return None,
            Drug::Rituximab => "L01FA01",
            Drug::Danazol => "G03XA01",
            Drug::Mycophenolate => "L04AA06",
            Drug::Azathioprine => "L04AX01",
            Drug::Fostamatinib => "B02BX09",
        })
    }

    /// RxNorm ingredient code where clinical.md 7.2 confirms it.
    pub fn rxnorm(self) -> Option<&'static str> {
        match self {
            Drug::Cyclosporine => Some("3008"),
            Drug::Prednisone => Some("8640"),
            Drug::Methylprednisolone => Some("6902"),
            _ => None,
        }
    }
}

pub use super::interactions::{INTERACTIONS, InteractionEffect, interactions_of};

impl Drug {
    /// Thrombopoietin-receptor agonists (clinical.md 6.1, E: upper platelet alerts apply).
    pub fn is_tpo_ra(self) -> bool {
        matches!(
            self,
            Drug::Eltrombopag
                | Drug::Avatrombopag
                | Drug::Hetrombopag
                | Drug::Romiplostim
                | Drug::Rhtpo
        )
    }
}

/// The brand or formulation a patient typed, folded to one key: brand aliases of one product
/// are the same (新山地明 = Neoral; 山地明 = Sandimmune); anything else is compared as typed,
/// without case or punctuation (clinical.md A: any change of brand is flagged).
pub fn formulation_key(name: &str) -> String {
    let n = super::interactions::normalise(name);
    const BRANDS: &[(&str, &[&str])] = &[
        (
            "neoral",
            &[
                "neoral",
                "新山地明",
                "neoral 新山地明",
                "新山地明 neoral",
                "cyclosporine modified",
                "ciclosporin modified",
            ],
        ),
        (
            "sandimmune",
            &["sandimmune", "sandimmun", "山地明", "sandimmune 山地明"],
        ),
        ("gengraf", &["gengraf"]),
    ];
    BRANDS
        .iter()
        .find(|(_, aliases)| {
            aliases
                .iter()
                .any(|a| super::interactions::normalise(a) == n)
        })
        .map_or(n.clone(), |(k, _)| (*k).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        for (input, drug) in [
            ("csa", Drug::Cyclosporine),
            ("CsA", Drug::Cyclosporine),
            ("ciclosporin", Drug::Cyclosporine),
            ("环孢素", Drug::Cyclosporine),
            ("cyclosporine", Drug::Cyclosporine),
            ("特比澳", Drug::Rhtpo),
            ("rhTPO", Drug::Rhtpo),
            ("mycophenolate-mofetil", Drug::Mycophenolate),
            ("Eltrombopag", Drug::Eltrombopag),
        ] {
            assert_eq!(Drug::parse(input), Some(drug), "{input}");
        }
        assert_eq!(Drug::parse("aspirin"), None);
        assert_eq!(Route::parse("PO"), Some(Route::Oral));
    }

    #[test]
    fn interaction_lookup() {
        assert_eq!(
            interactions_of("Fluconazole 150 mg"),
            vec![("fluconazole", InteractionEffect::RaisesLevel)]
        );
        assert_eq!(formulation_key("新山地明"), formulation_key("Neoral"));
        assert_ne!(formulation_key("山地明"), formulation_key("Neoral"));
        assert_eq!(
            interactions_of("St John's Wort tea")[0].1,
            InteractionEffect::LowersLevel
        );
        assert!(interactions_of("paracetamol").is_empty());
        assert_eq!(
            interactions_of("西柚汁")[0].1,
            InteractionEffect::RaisesLevel
        );
    }
}
