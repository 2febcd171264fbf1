//! The cyclosporine interaction list (clinical.md 6.2 [DDI-PMC, ARTHRITIS]): each entry a
//! stable id, its effect and the names a patient may type — generic, brand, and Chinese.
//! Look-up folds case and punctuation ("St. John's-Wort" = "st johns wort"), and matches
//! whole words for Latin names, so "methylprednisolone" is not "prednisolone".

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

impl InteractionEffect {
    pub fn code(self) -> &'static str {
        match self {
            InteractionEffect::RaisesLevel => "raises_level",
            InteractionEffect::LowersLevel => "lowers_level",
            InteractionEffect::Nephrotoxic => "nephrotoxic",
            InteractionEffect::Hyperkalaemia => "hyperkalaemia",
            InteractionEffect::RaisedByCsa => "raised_by_csa",
        }
    }
}

/// One interacting drug or food; its label is `ddi.<id>` in the catalogues.
#[derive(Debug)]
pub struct Interactant {
    pub id: &'static str,
    pub effect: InteractionEffect,
    /// Lowercase names: generic, brands, Chinese.
    pub names: &'static [&'static str],
}

use InteractionEffect::*;

pub const INTERACTIONS: &[Interactant] = &[
    Interactant {
        id: "grapefruit",
        effect: RaisesLevel,
        names: &[
            "grapefruit",
            "西柚（葡萄柚）",
            "grapefruit juice",
            "葡萄柚",
            "西柚",
            "西柚汁",
        ],
    },
    Interactant {
        id: "ketoconazole",
        effect: RaisesLevel,
        names: &["ketoconazole", "酮康唑", "nizoral"],
    },
    Interactant {
        id: "itraconazole",
        effect: RaisesLevel,
        names: &["itraconazole", "伊曲康唑", "sporanox", "斯皮仁诺"],
    },
    Interactant {
        id: "fluconazole",
        effect: RaisesLevel,
        names: &["fluconazole", "氟康唑", "diflucan", "大扶康"],
    },
    Interactant {
        id: "voriconazole",
        effect: RaisesLevel,
        names: &["voriconazole", "伏立康唑", "vfend", "威凡"],
    },
    Interactant {
        id: "posaconazole",
        effect: RaisesLevel,
        names: &["posaconazole", "泊沙康唑", "noxafil"],
    },
    Interactant {
        id: "clarithromycin",
        effect: RaisesLevel,
        names: &["clarithromycin", "克拉霉素", "biaxin", "klacid"],
    },
    Interactant {
        id: "erythromycin",
        effect: RaisesLevel,
        names: &["erythromycin", "红霉素"],
    },
    Interactant {
        id: "azithromycin",
        effect: RaisesLevel,
        names: &["azithromycin", "阿奇霉素", "zithromax", "希舒美"],
    },
    Interactant {
        id: "diltiazem",
        effect: RaisesLevel,
        names: &["diltiazem", "地尔硫䓬", "地尔硫卓", "cardizem", "合心爽"],
    },
    Interactant {
        id: "verapamil",
        effect: RaisesLevel,
        names: &["verapamil", "维拉帕米", "异搏定"],
    },
    Interactant {
        id: "nicardipine",
        effect: RaisesLevel,
        names: &["nicardipine", "尼卡地平"],
    },
    Interactant {
        id: "ritonavir",
        effect: RaisesLevel,
        names: &["ritonavir", "利托那韦", "paxlovid"],
    },
    Interactant {
        id: "indinavir",
        effect: RaisesLevel,
        names: &["indinavir", "茚地那韦"],
    },
    Interactant {
        id: "nelfinavir",
        effect: RaisesLevel,
        names: &["nelfinavir", "奈非那韦"],
    },
    Interactant {
        id: "saquinavir",
        effect: RaisesLevel,
        names: &["saquinavir", "沙奎那韦"],
    },
    Interactant {
        id: "danazol",
        effect: RaisesLevel,
        names: &["danazol", "达那唑"],
    },
    Interactant {
        id: "methylprednisolone",
        effect: RaisesLevel,
        names: &[
            "methylprednisolone",
            "甲泼尼龙",
            "medrol",
            "solu-medrol",
            "甲强龙",
            "美卓乐",
        ],
    },
    Interactant {
        id: "allopurinol",
        effect: RaisesLevel,
        names: &["allopurinol", "别嘌醇", "zyloprim"],
    },
    Interactant {
        id: "amiodarone",
        effect: RaisesLevel,
        names: &["amiodarone", "胺碘酮", "cordarone", "可达龙"],
    },
    Interactant {
        id: "bromocriptine",
        effect: RaisesLevel,
        names: &["bromocriptine", "溴隐亭"],
    },
    Interactant {
        id: "metoclopramide",
        effect: RaisesLevel,
        names: &["metoclopramide", "甲氧氯普胺", "reglan", "胃复安"],
    },
    Interactant {
        id: "imatinib",
        effect: RaisesLevel,
        names: &["imatinib", "伊马替尼", "gleevec", "格列卫"],
    },
    Interactant {
        id: "oral_contraceptive",
        effect: RaisesLevel,
        names: &[
            "oral contraceptive",
            "口服避孕药",
            "the pill",
            "birth control pill",
            "避孕药",
        ],
    },
    Interactant {
        id: "rifampicin",
        effect: LowersLevel,
        names: &["rifampicin", "利福平", "rifampin", "rifadin"],
    },
    Interactant {
        id: "nafcillin",
        effect: LowersLevel,
        names: &["nafcillin", "萘夫西林"],
    },
    Interactant {
        id: "carbamazepine",
        effect: LowersLevel,
        names: &["carbamazepine", "卡马西平", "tegretol", "得理多"],
    },
    Interactant {
        id: "phenobarbital",
        effect: LowersLevel,
        names: &["phenobarbital", "苯巴比妥", "luminal", "鲁米那"],
    },
    Interactant {
        id: "phenytoin",
        effect: LowersLevel,
        names: &["phenytoin", "苯妥英", "dilantin", "苯妥英钠"],
    },
    Interactant {
        id: "st_johns_wort",
        effect: LowersLevel,
        names: &[
            "st john's wort",
            "贯叶连翘（圣约翰草）",
            "st johns wort",
            "st john wort",
            "saint johns wort",
            "saint john's wort",
            "hypericum",
            "贯叶连翘",
            "圣约翰草",
            "贯叶金丝桃",
        ],
    },
    Interactant {
        id: "octreotide",
        effect: LowersLevel,
        names: &["octreotide", "奥曲肽", "sandostatin", "善宁"],
    },
    Interactant {
        id: "orlistat",
        effect: LowersLevel,
        names: &["orlistat", "奥利司他", "xenical", "赛尼可"],
    },
    Interactant {
        id: "terbinafine",
        effect: LowersLevel,
        names: &["terbinafine", "特比萘芬", "lamisil", "兰美抒"],
    },
    Interactant {
        id: "ticlopidine",
        effect: LowersLevel,
        names: &["ticlopidine", "噻氯匹定"],
    },
    Interactant {
        id: "sulfinpyrazone",
        effect: LowersLevel,
        names: &["sulfinpyrazone", "磺吡酮"],
    },
    Interactant {
        id: "gentamicin",
        effect: Nephrotoxic,
        names: &["gentamicin", "庆大霉素"],
    },
    Interactant {
        id: "tobramycin",
        effect: Nephrotoxic,
        names: &["tobramycin", "妥布霉素"],
    },
    Interactant {
        id: "vancomycin",
        effect: Nephrotoxic,
        names: &["vancomycin", "万古霉素"],
    },
    Interactant {
        id: "ciprofloxacin",
        effect: Nephrotoxic,
        names: &["ciprofloxacin", "环丙沙星", "cipro", "cipro xr"],
    },
    Interactant {
        id: "co_trimoxazole",
        effect: Nephrotoxic,
        names: &[
            "trimethoprim-sulfamethoxazole",
            "复方磺胺甲噁唑",
            "trimethoprim",
            "sulfamethoxazole",
            "co-trimoxazole",
            "bactrim",
            "septra",
            "复方新诺明",
            "磺胺甲噁唑",
        ],
    },
    Interactant {
        id: "amphotericin",
        effect: Nephrotoxic,
        names: &["amphotericin b", "两性霉素B", "amphotericin", "两性霉素"],
    },
    Interactant {
        id: "diclofenac",
        effect: Nephrotoxic,
        names: &[
            "diclofenac",
            "双氯芬酸",
            "voltaren",
            "voltarol",
            "cataflam",
            "扶他林",
            "双氯芬酸钠",
            "戴芬",
        ],
    },
    Interactant {
        id: "naproxen",
        effect: Nephrotoxic,
        names: &["naproxen", "萘普生", "aleve", "naprosyn"],
    },
    Interactant {
        id: "ibuprofen",
        effect: Nephrotoxic,
        names: &[
            "ibuprofen",
            "布洛芬",
            "advil",
            "motrin",
            "nurofen",
            "芬必得",
            "美林",
        ],
    },
    Interactant {
        id: "aspirin",
        effect: Nephrotoxic,
        names: &[
            "aspirin",
            "阿司匹林",
            "acetylsalicylic acid",
            "asa",
            "bayer aspirin",
            "拜阿司匹灵",
            "阿斯匹林",
        ],
    },
    Interactant {
        id: "sulindac",
        effect: Nephrotoxic,
        names: &["sulindac", "舒林酸"],
    },
    Interactant {
        id: "nsaid",
        effect: Nephrotoxic,
        names: &[
            "nsaid painkiller",
            "非甾体抗炎药（止痛药）",
            "nsaids",
            "非甾体抗炎药",
        ],
    },
    Interactant {
        id: "tacrolimus",
        effect: Nephrotoxic,
        names: &["tacrolimus", "他克莫司", "prograf", "普乐可复"],
    },
    Interactant {
        id: "fenofibrate",
        effect: Nephrotoxic,
        names: &["fenofibrate", "非诺贝特", "tricor", "力平之"],
    },
    Interactant {
        id: "colchicine",
        effect: Nephrotoxic,
        names: &["colchicine", "秋水仙碱"],
    },
    Interactant {
        id: "spironolactone",
        effect: Hyperkalaemia,
        names: &["spironolactone", "螺内酯", "aldactone", "安体舒通"],
    },
    Interactant {
        id: "amiloride",
        effect: Hyperkalaemia,
        names: &["amiloride", "阿米洛利"],
    },
    Interactant {
        id: "triamterene",
        effect: Hyperkalaemia,
        names: &["triamterene", "氨苯蝶啶"],
    },
    Interactant {
        id: "eplerenone",
        effect: Hyperkalaemia,
        names: &["eplerenone", "依普利酮", "inspra"],
    },
    Interactant {
        id: "lisinopril",
        effect: Hyperkalaemia,
        names: &["lisinopril", "赖诺普利"],
    },
    Interactant {
        id: "enalapril",
        effect: Hyperkalaemia,
        names: &["enalapril", "依那普利"],
    },
    Interactant {
        id: "ramipril",
        effect: Hyperkalaemia,
        names: &["ramipril", "雷米普利"],
    },
    Interactant {
        id: "captopril",
        effect: Hyperkalaemia,
        names: &["captopril", "卡托普利"],
    },
    Interactant {
        id: "losartan",
        effect: Hyperkalaemia,
        names: &["losartan", "氯沙坦", "cozaar", "科素亚"],
    },
    Interactant {
        id: "valsartan",
        effect: Hyperkalaemia,
        names: &["valsartan", "缬沙坦", "diovan", "代文"],
    },
    Interactant {
        id: "potassium_supplement",
        effect: Hyperkalaemia,
        names: &[
            "potassium supplement",
            "补钾药",
            "potassium chloride",
            "kcl",
            "氯化钾",
            "补钾",
        ],
    },
    Interactant {
        id: "digoxin",
        effect: RaisedByCsa,
        names: &["digoxin", "地高辛", "lanoxin"],
    },
    Interactant {
        id: "simvastatin",
        effect: RaisedByCsa,
        names: &["simvastatin", "辛伐他汀", "zocor", "舒降之"],
    },
    Interactant {
        id: "lovastatin",
        effect: RaisedByCsa,
        names: &["lovastatin", "洛伐他汀"],
    },
    Interactant {
        id: "atorvastatin",
        effect: RaisedByCsa,
        names: &["atorvastatin", "阿托伐他汀", "lipitor", "立普妥"],
    },
    Interactant {
        id: "prednisolone",
        effect: RaisedByCsa,
        names: &["prednisolone", "泼尼松龙"],
    },
    Interactant {
        id: "methotrexate",
        effect: RaisedByCsa,
        names: &["methotrexate", "甲氨蝶呤", "mtx"],
    },
];

/// Lowercase, apostrophes and dots dropped, other punctuation as spaces, spaces collapsed.
pub fn normalise(s: &str) -> String {
    let mapped: String = s
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | '‘' | '.' | '·'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `needle` occurs in `hay` (both normalised); Latin names only as whole words.
fn occurs(hay: &str, needle: &str) -> bool {
    if !needle.is_ascii() {
        return hay.contains(needle);
    }
    let padded = format!(" {hay} ");
    hay.match_indices(needle).any(|(i, _)| {
        let before = padded[..=i].chars().next_back();
        let after = padded[i + 1 + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// The interactions a free-text medication or food name matches: (id, effect).
pub fn interactions_of(name: &str) -> Vec<(&'static str, InteractionEffect)> {
    let hay = normalise(name);
    INTERACTIONS
        .iter()
        .filter(|x| x.names.iter().any(|n| occurs(&hay, &normalise(n))))
        .map(|x| (x.id, x.effect))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Defect 12: common spellings and brands, both languages.
    #[test]
    fn interaction_spellings_and_brands() {
        let cases: &[(&str, Option<&str>)] = &[
            ("St. John's Wort", Some("st_johns_wort")),
            ("st johns-wort tea", Some("st_johns_wort")),
            ("ST JOHN’S WORT", Some("st_johns_wort")),
            ("Aspirin 100 mg", Some("aspirin")),
            ("aspirin", Some("aspirin")),
            ("Advil", Some("ibuprofen")),
            ("Voltaren gel", Some("diclofenac")),
            ("芬必得", Some("ibuprofen")),
            ("扶他林", Some("diclofenac")),
            ("阿司匹林肠溶片", Some("aspirin")),
            ("Fluconazole 150 mg", Some("fluconazole")),
            ("西柚汁", Some("grapefruit")),
            ("methylprednisolone", Some("methylprednisolone")),
            ("paracetamol", None),
            ("basalt", None),
        ];
        for (input, want) in cases {
            let got = interactions_of(input);
            assert_eq!(got.first().map(|x| x.0), *want, "{input}: {got:?}");
        }
        // whole words: methylprednisolone is not also prednisolone
        assert_eq!(interactions_of("methylprednisolone").len(), 1);
        let ids: std::collections::HashSet<_> = INTERACTIONS.iter().map(|x| x.id).collect();
        assert_eq!(ids.len(), INTERACTIONS.len());
    }
}
