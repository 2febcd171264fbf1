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

/// How a co-medication or food changes cyclosporine (clinical.md 6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionEffect {
    /// Raises CsA levels (risk of kidney and nerve toxicity).
    RaisesLevel,
    /// Lowers CsA levels (risk of losing the effect).
    LowersLevel,
    /// Adds kidney toxicity.
    Nephrotoxic,
    /// Raises potassium.
    Hyperkalaemia,
    /// CsA raises this drug's exposure.
    RaisedByCsa,
}

/// Names (lowercase; English and Chinese) and their effect, from clinical.md 6.2 [DDI-PMC].
pub const INTERACTIONS: &[(&str, InteractionEffect)] = {
    use InteractionEffect::*;
    &[
        ("grapefruit", RaisesLevel),
        ("西柚", RaisesLevel),
        ("葡萄柚", RaisesLevel),
        ("ketoconazole", RaisesLevel),
        ("酮康唑", RaisesLevel),
        ("itraconazole", RaisesLevel),
        ("伊曲康唑", RaisesLevel),
        ("fluconazole", RaisesLevel),
        ("氟康唑", RaisesLevel),
        ("voriconazole", RaisesLevel),
        ("伏立康唑", RaisesLevel),
        ("posaconazole", RaisesLevel),
        ("泊沙康唑", RaisesLevel),
        ("clarithromycin", RaisesLevel),
        ("克拉霉素", RaisesLevel),
        ("erythromycin", RaisesLevel),
        ("红霉素", RaisesLevel),
        ("azithromycin", RaisesLevel),
        ("阿奇霉素", RaisesLevel),
        ("diltiazem", RaisesLevel),
        ("地尔硫卓", RaisesLevel),
        ("verapamil", RaisesLevel),
        ("维拉帕米", RaisesLevel),
        ("nicardipine", RaisesLevel),
        ("尼卡地平", RaisesLevel),
        ("ritonavir", RaisesLevel),
        ("indinavir", RaisesLevel),
        ("nelfinavir", RaisesLevel),
        ("saquinavir", RaisesLevel),
        ("danazol", RaisesLevel),
        ("达那唑", RaisesLevel),
        ("methylprednisolone", RaisesLevel),
        ("甲泼尼龙", RaisesLevel),
        ("allopurinol", RaisesLevel),
        ("别嘌醇", RaisesLevel),
        ("amiodarone", RaisesLevel),
        ("胺碘酮", RaisesLevel),
        ("bromocriptine", RaisesLevel),
        ("metoclopramide", RaisesLevel),
        ("甲氧氯普胺", RaisesLevel),
        ("imatinib", RaisesLevel),
        ("oral contraceptive", RaisesLevel),
        ("rifampin", LowersLevel),
        ("rifampicin", LowersLevel),
        ("利福平", LowersLevel),
        ("nafcillin", LowersLevel),
        ("carbamazepine", LowersLevel),
        ("卡马西平", LowersLevel),
        ("phenobarbital", LowersLevel),
        ("苯巴比妥", LowersLevel),
        ("phenytoin", LowersLevel),
        ("苯妥英", LowersLevel),
        ("st john's wort", LowersLevel),
        ("st johns wort", LowersLevel),
        ("hypericum", LowersLevel),
        ("贯叶连翘", LowersLevel),
        ("圣约翰草", LowersLevel),
        ("octreotide", LowersLevel),
        ("orlistat", LowersLevel),
        ("terbinafine", LowersLevel),
        ("特比萘芬", LowersLevel),
        ("ticlopidine", LowersLevel),
        ("sulfinpyrazone", LowersLevel),
        ("gentamicin", Nephrotoxic),
        ("庆大霉素", Nephrotoxic),
        ("tobramycin", Nephrotoxic),
        ("vancomycin", Nephrotoxic),
        ("万古霉素", Nephrotoxic),
        ("ciprofloxacin", Nephrotoxic),
        ("环丙沙星", Nephrotoxic),
        ("trimethoprim", Nephrotoxic),
        ("sulfamethoxazole", Nephrotoxic),
        ("amphotericin", Nephrotoxic),
        ("两性霉素", Nephrotoxic),
        ("diclofenac", Nephrotoxic),
        ("双氯芬酸", Nephrotoxic),
        ("naproxen", Nephrotoxic),
        ("萘普生", Nephrotoxic),
        ("ibuprofen", Nephrotoxic),
        ("布洛芬", Nephrotoxic),
        ("sulindac", Nephrotoxic),
        ("nsaid", Nephrotoxic),
        ("tacrolimus", Nephrotoxic),
        ("他克莫司", Nephrotoxic),
        ("fenofibrate", Nephrotoxic),
        ("colchicine", Nephrotoxic),
        ("秋水仙碱", Nephrotoxic),
        ("spironolactone", Hyperkalaemia),
        ("螺内酯", Hyperkalaemia),
        ("amiloride", Hyperkalaemia),
        ("triamterene", Hyperkalaemia),
        ("eplerenone", Hyperkalaemia),
        ("lisinopril", Hyperkalaemia),
        ("enalapril", Hyperkalaemia),
        ("依那普利", Hyperkalaemia),
        ("ramipril", Hyperkalaemia),
        ("captopril", Hyperkalaemia),
        ("卡托普利", Hyperkalaemia),
        ("losartan", Hyperkalaemia),
        ("氯沙坦", Hyperkalaemia),
        ("valsartan", Hyperkalaemia),
        ("缬沙坦", Hyperkalaemia),
        ("potassium supplement", Hyperkalaemia),
        ("digoxin", RaisedByCsa),
        ("地高辛", RaisedByCsa),
        ("simvastatin", RaisedByCsa),
        ("辛伐他汀", RaisedByCsa),
        ("lovastatin", RaisedByCsa),
        ("atorvastatin", RaisedByCsa),
        ("阿托伐他汀", RaisedByCsa),
        ("prednisolone", RaisedByCsa),
        ("泼尼松龙", RaisedByCsa),
        ("methotrexate", RaisedByCsa),
        ("甲氨蝶呤", RaisedByCsa),
    ]
};

/// The interactions a free-text medication or food name matches (substring, case-insensitive).
pub fn interactions_of(name: &str) -> Vec<(&'static str, InteractionEffect)> {
    let lower = name.to_lowercase();
    INTERACTIONS
        .iter()
        .filter(|(n, _)| lower.contains(n))
        .copied()
        .collect()
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
