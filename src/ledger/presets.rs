//! The presets `init` starts a ledger from, and what proofreading needs to know of
//! them: the example activities they write, which must not reach a published summary.

use std::sync::LazyLock;

/// A preset: name, description, report.yaml and the example activity log.
pub struct Preset {
    /// Name on the command line.
    pub name: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// The report.yaml, with `@YEAR@`, `@NEXT_YEAR@` and `@NAME@` to fill in.
    pub report: &'static str,
    /// The example activity log, likewise.
    pub activities: &'static str,
    /// The organization name when none is given.
    pub default_name: &'static str,
}

/// The presets `init` knows.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "fulian",
        description: "镇（街道）妇联：组织建设、联系服务、维权关爱、巾帼志愿服务、下一步计划",
        report: include_str!("../../templates/presets/fulian.yaml"),
        activities: include_str!("../../templates/presets/fulian.activities.yaml"),
        default_name: "示例镇妇联",
    },
    Preset {
        name: "tuanwei",
        description: "共青团委员会：思想引领、服务大局、自身建设，（一）小标题",
        report: include_str!("../../templates/presets/tuanwei.yaml"),
        activities: include_str!("../../templates/presets/tuanwei.activities.yaml"),
        default_name: "示例镇团委",
    },
    Preset {
        name: "zhengfu",
        description: "镇人民政府或政府部门：经济发展、民生保障、基层治理，带署名",
        report: include_str!("../../templates/presets/zhengfu.yaml"),
        activities: include_str!("../../templates/presets/zhengfu.activities.yaml"),
        default_name: "示例镇人民政府",
    },
    Preset {
        name: "gonghui",
        description: "镇（街道）工会：组织建设、维权服务、劳动竞赛与技能、困难职工帮扶、下一步计划，（一）小标题",
        report: include_str!("../../templates/presets/gonghui.yaml"),
        activities: include_str!("../../templates/presets/gonghui.activities.yaml"),
        default_name: "示例镇总工会",
    },
    Preset {
        name: "canlian",
        description: "镇（街道）残联：组织建设、康复服务、就业帮扶、权益保障与救助、下一步计划",
        report: include_str!("../../templates/presets/canlian.yaml"),
        activities: include_str!("../../templates/presets/canlian.activities.yaml"),
        default_name: "示例镇残联",
    },
];

/// The placeholder a preset writes where only the clerk knows the value (索引号).
pub const PLACEHOLDER: &str = "待填写";

/// The texts of every preset's example activities.
static SAMPLE_TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    PRESETS
        .iter()
        .flat_map(|p| p.activities.lines())
        .filter_map(|line| line.trim().strip_prefix("text: "))
        .map(|text| text.trim().to_owned())
        .collect()
});

/// Whether an activity's text is one of the examples `init` wrote, left unchanged.
pub fn is_sample_text(text: &str) -> bool {
    SAMPLE_TEXTS.iter().any(|sample| sample == text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_sample_texts_and_they_are_recognised() {
        for preset in PRESETS {
            let texts: Vec<&str> = preset
                .activities
                .lines()
                .filter_map(|l| l.trim().strip_prefix("text: "))
                .collect();
            assert!(!texts.is_empty(), "{}", preset.name);
            assert!(texts.iter().all(|t| is_sample_text(t)));
        }
    }

    #[test]
    fn every_section_of_every_preset_has_two_items_at_least() {
        for preset in PRESETS {
            let report = preset
                .report
                .replace("@YEAR@", "2024")
                .replace("@NEXT_YEAR@", "2025")
                .replace("@NAME@", "某镇");
            let spec: crate::ledger::model::ReportSpec = serde_saphyr::from_str(&report).unwrap();
            for section in &spec.sections {
                assert!(
                    section.items.len() >= 2,
                    "{}: {} has {} item (a lone （一） or 1.)",
                    preset.name,
                    section.title.value,
                    section.items.len()
                );
            }
        }
        assert!(!is_sample_text(
            "开展“法律进万家”宣传活动，发放宣传资料200份。"
        ));
    }
}
