//! JSON Schemas of the ledger files, for editors (yaml-language-server) to complete
//! and validate while the clerk types.

use crate::ledger::model::{ActivitySpec, ReportSpec};
use schemars::{JsonSchema, generate::SchemaSettings};

/// File name of the report schema that `init` writes next to the ledger.
pub const REPORT_SCHEMA_FILE: &str = "report.schema.json";
/// File name of the activity-log schema.
pub const ACTIVITIES_SCHEMA_FILE: &str = "activities.schema.json";
/// Folder of a report directory that holds the schemas.
pub const SCHEMA_DIR: &str = "schemas";

fn schema_of<T: JsonSchema>(title: &str, description: &str) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    let mut json = serde_json::to_string_pretty(&schema).expect("schemas serialise");
    json.push('\n');
    json
}

/// The schema of `report.yaml`.
pub fn report_schema() -> String {
    schema_of::<ReportSpec>(
        "年度工作总结：report.yaml",
        "报告的结构：单位、年度、成文日期、网站元数据、数字项、各节与条目、计划、结束语",
    )
}

/// The schema of an activity log (`activities/*.yaml`).
pub fn activities_schema() -> String {
    schema_of::<Vec<ActivitySpec>>(
        "年度工作总结：活动台账",
        "一个活动台账文件：活动的列表，每项记日期、所属条目、内容与数字",
    )
}

/// The comment line that points editors at a schema, relative to the file.
pub fn modeline(relative_schema: &str) -> String {
    format!("# yaml-language-server: $schema={relative_schema}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_describe_fields_in_chinese() {
        let report: serde_json::Value = serde_json::from_str(&report_schema()).unwrap();
        assert_eq!(
            report["properties"]["date"]["description"],
            "成文日期，YYYY-MM-DD"
        );
        assert_eq!(report["additionalProperties"], false);
        let required = report["required"].as_array().unwrap();
        for field in ["year", "organization", "date", "sections"] {
            assert!(required.iter().any(|r| r == field), "{field} required");
        }
        for field in ["opening", "closing"] {
            assert!(!required.iter().any(|r| r == field), "{field} optional");
        }
        let activities: serde_json::Value = serde_json::from_str(&activities_schema()).unwrap();
        assert_eq!(activities["type"], "array");
        let text = activities.to_string();
        assert!(text.contains("所属条目"), "{text}");
    }

    /// Every description a clerk's editor shows, in both schemas, is Chinese.
    #[test]
    fn no_description_is_english() {
        fn descriptions<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, v) in map {
                        match (key.as_str(), v) {
                            ("description", serde_json::Value::String(s)) => out.push(s),
                            _ => descriptions(v, out),
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    items.iter().for_each(|v| descriptions(v, out));
                }
                _ => {}
            }
        }
        for schema in [report_schema(), activities_schema()] {
            let value: serde_json::Value = serde_json::from_str(&schema).unwrap();
            let mut found = Vec::new();
            descriptions(&value, &mut found);
            assert!(found.len() >= 10, "{found:?}");
            let english: Vec<&&str> = found
                .iter()
                .filter(|d| !d.chars().any(crate::text::is_cjk))
                .collect();
            assert_eq!(english.len(), 0, "{english:?}");
        }
    }
}
