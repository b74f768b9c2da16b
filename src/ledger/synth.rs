//! Synthetic ledgers for benchmarks and load tests: a 妇联-shaped report with as many
//! dated activities as asked for, deterministic for a given seed.

use std::fmt::Write as _;
use std::path::Path;

const SECTIONS: &[(&str, &str, &[&str])] = &[
    (
        "organization",
        "加强基层妇联组织建设",
        &["org-reform", "team-building", "cadre-training"],
    ),
    (
        "services",
        "强化联系服务职能",
        &["entrepreneurship", "civilization", "harmony"],
    ),
    (
        "rights",
        "关爱妇女儿童，保障合法权益",
        &["legal-rights", "moral-education", "children", "key-groups"],
    ),
    (
        "volunteering",
        "推进巾帼志愿服务活动",
        &["selection", "environment", "left-behind", "two-cancers"],
    ),
];

const PHRASES: &[&str] = &[
    "组织妇女群众开展法治宣传教育活动",
    "走访慰问困难妇女和留守儿童",
    "开展家庭教育知识讲座",
    "举办女性技能培训班",
    "组织巾帼志愿者参与环境整治",
    "开展两癌免费检查宣传",
    "召开村社区妇联执委会议",
    "开展平安家庭创建活动",
];

/// A small deterministic generator (xorshift), so synthetic data and generated test
/// inputs can be replayed from their seed.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Writes a report directory at `dir` for organization number `index` with
/// `activities` entries over the year 2023, spread over monthly log files.
pub fn write_ledger(dir: &Path, index: usize, activities: usize) -> std::io::Result<()> {
    let mut rng =
        Rng(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
    std::fs::create_dir_all(dir.join("activities"))?;
    let name = format!(
        "第{}镇妇联",
        crate::numbering::chinese_numeral(index as u32 % 9999 + 1)
    );
    let mut report = format!(
        "year: 2023\norganization:\n  name: {name}\n  short_name: 镇妇联\ndate: 2024-01-22\n\
         publication:\n  索引号: 43098100{index:02}/2024-{index:06}\n  发布机构: {name}\n  发文日期: \"2024-01-22\"\n\
         figures:\n  visits: {{ label: 接待来访, unit: 件 }}\n  people: {{ label: 服务人次, unit: 人次 }}\n\
         opening: 2023年，{name}在上级妇联的指导下积极开展工作。现将具体工作情况总结如下。\nsections:\n"
    );
    for (id, title, items) in SECTIONS {
        let _ = write!(report, "  - id: {id}\n    title: {title}\n    items:\n");
        for item in *items {
            let _ = write!(
                report,
                "      - id: {item}\n        lead: 扎实推进各项工作。\n        summary: 全年服务{{{{ people }}}}人次。\n"
            );
        }
    }
    report.push_str(
        "plans:\n  items:\n    - 继续推进妇女工作的创新发展。\n    - 继续做好妇女儿童维权工作。\n",
    );
    report.push_str("closing: 新的一年，我们将继续努力，开创妇女工作新局面。\n");
    std::fs::write(dir.join("report.yaml"), report)?;

    let items: Vec<&str> = SECTIONS.iter().flat_map(|s| s.2.iter().copied()).collect();
    let mut months = vec![String::new(); 12];
    for n in 0..activities {
        // Every item gets at least one entry, so the ledger always checks.
        let item = if n < items.len() {
            items[n]
        } else {
            items[rng.below(items.len())]
        };
        let month = rng.below(12);
        let day = 1 + rng.below(28);
        let phrase = PHRASES[rng.below(PHRASES.len())];
        let _ = write!(
            months[month],
            "- date: 2023-{:02}-{day:02}\n  item: {item}\n  text: {phrase}\n  figures: {{ visits: {}, people: {} }}\n",
            month + 1,
            rng.below(3),
            1 + rng.below(40)
        );
    }
    for (m, text) in months.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
        std::fs::write(dir.join(format!("activities/2023-{:02}.yaml", m + 1)), text)?;
    }
    Ok(())
}

/// Separates the files of a ledger packed into one byte string (see [`unpack_ledger`]).
pub const PACKED_FILE_SEPARATOR: &[u8] = b"\n#--- next file ---\n";

/// The most activity files [`unpack_ledger`] writes.
const PACKED_MAX_LOGS: usize = 12;

/// Writes a report directory from one byte string, as a fuzzer produces them: the part
/// before the first [`PACKED_FILE_SEPARATOR`] becomes `report.yaml`, each later part
/// (up to twelve, a month each) `activities/NN.yaml`, bytes as they are (not necessarily UTF-8 or
/// YAML). [`pack_ledger`] does the reverse, for seeding a corpus from real ledgers.
pub fn unpack_ledger(dir: &Path, packed: &[u8]) -> std::io::Result<()> {
    let mut parts = split_bytes(packed, PACKED_FILE_SEPARATOR);
    std::fs::create_dir_all(dir.join("activities"))?;
    std::fs::write(dir.join("report.yaml"), parts.next().unwrap_or_default())?;
    for (n, part) in parts.take(PACKED_MAX_LOGS).enumerate() {
        std::fs::write(dir.join(format!("activities/{n:02}.yaml")), part)?;
    }
    Ok(())
}

/// A report directory's `report.yaml` and activity files packed into one byte string,
/// the form [`unpack_ledger`] reads.
pub fn pack_ledger(dir: &Path) -> std::io::Result<Vec<u8>> {
    pack_files(std::fs::read(dir.join("report.yaml"))?, dir)
}

/// `report` followed by the activity files of `dir`, packed.
fn pack_files(report: Vec<u8>, dir: &Path) -> std::io::Result<Vec<u8>> {
    let mut packed = report;
    let mut logs = Vec::new();
    let entries = match std::fs::read_dir(dir.join("activities")) {
        Ok(entries) => entries,
        // A report without activity logs (a county roll-up) packs as its report alone.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(packed),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            logs.push(path);
        }
    }
    logs.sort();
    for log in logs.iter().take(PACKED_MAX_LOGS) {
        packed.extend_from_slice(PACKED_FILE_SEPARATOR);
        packed.extend(std::fs::read(log)?);
    }
    Ok(packed)
}

/// Separates the ledgers of a packed set (see [`unpack_ledgers`]).
pub const PACKED_LEDGER_SEPARATOR: &[u8] = b"\n#=== next ledger ===\n";

/// The most linked ledgers [`unpack_ledgers`] writes.
const PACKED_MAX_LINKED: usize = 3;

/// Writes a report and the ledgers it refers to from one byte string, so a fuzzer
/// reaches linking, the roll-up and 同比: the part before the first
/// [`PACKED_LEDGER_SEPARATOR`] becomes `root/main`, each later part (up to three)
/// `root/l1`, `root/l2`, … (which the report names as `../l1`), each unpacked by
/// [`unpack_ledger`]. Returns the report's directory.
pub fn unpack_ledgers(root: &Path, packed: &[u8]) -> std::io::Result<std::path::PathBuf> {
    let mut ledgers = split_bytes(packed, PACKED_LEDGER_SEPARATOR);
    let main = root.join("main");
    unpack_ledger(&main, ledgers.next().unwrap_or_default())?;
    for (n, part) in ledgers.take(PACKED_MAX_LINKED).enumerate() {
        unpack_ledger(&root.join(format!("l{}", n + 1)), part)?;
    }
    Ok(main)
}

/// A report directory and the ledgers it refers to (`previous:`, then the roll-up's
/// members, at most three) packed for [`unpack_ledgers`]: the report's references are
/// rewritten to `../l1`, `../l2`, … .
pub fn pack_ledgers(dir: &Path) -> std::io::Result<Vec<u8>> {
    let loaded = crate::ledger::load::load(dir);
    let references: Vec<String> = loaded
        .ledger
        .iter()
        .flat_map(|ledger| {
            let spec = &ledger.report;
            let members = spec.rollup.iter().flat_map(|r| &r.members);
            spec.previous.iter().chain(members).map(|r| r.value.clone())
        })
        // An empty reference has no place to rewrite (and is refused by the check).
        .filter(|reference| !reference.is_empty())
        .take(PACKED_MAX_LINKED)
        .collect();
    let mut report = std::fs::read(dir.join("report.yaml"))?;
    for (n, reference) in references.iter().enumerate() {
        let written = reference.as_bytes();
        if let Some(at) = report.windows(written.len()).position(|w| w == written) {
            report.splice(
                at..at + written.len(),
                format!("../l{}", n + 1).into_bytes(),
            );
        }
    }
    let mut packed = pack_files(report, dir)?;
    for reference in &references {
        packed.extend_from_slice(PACKED_LEDGER_SEPARATOR);
        packed.extend(pack_ledger(&dir.join(reference.trim()))?);
    }
    Ok(packed)
}

fn split_bytes<'a>(bytes: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        match current
            .windows(separator.len())
            .position(|window| window == separator)
        {
            Some(at) => {
                rest = Some(&current[at + separator.len()..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_ledgers_check_clean_and_sum() {
        let dir = tempfile::tempdir().unwrap();
        write_ledger(dir.path(), 7, 120).unwrap();
        let source = crate::ledger::source::LedgerSource::directory(dir.path());
        let (read, report) = crate::ledger::read(&source);
        let (year, _) = read.unwrap_or_else(|| panic!("a synthetic ledger is valid: {report:?}"));
        assert_eq!(year.title.value, "2023年第八镇妇联工作总结");
        let aggregate = crate::ledger::aggregate::aggregate(year);
        let activities: usize = aggregate.month_counts.iter().sum();
        assert_eq!(activities, 120);
    }

    #[test]
    fn packed_ledgers_unpack_to_the_same_files() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xinhe-2023");
        let packed = pack_ledger(&fixture).unwrap();
        let dir = tempfile::tempdir().unwrap();
        unpack_ledger(dir.path(), &packed).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("report.yaml")).unwrap(),
            std::fs::read(fixture.join("report.yaml")).unwrap()
        );
        let logs = std::fs::read_dir(dir.path().join("activities"))
            .unwrap()
            .count();
        let originals = std::fs::read_dir(fixture.join("activities"))
            .unwrap()
            .count();
        assert_eq!(logs, originals.min(PACKED_MAX_LOGS));
    }

    #[test]
    fn linked_ledgers_unpack_where_the_report_finds_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for (fixture, expected) in [("xinhe-2023", 1), ("yuanjiang-2023", 2)] {
            let packed = pack_ledgers(&root.join(fixture)).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let main = unpack_ledgers(dir.path(), &packed).unwrap();
            let source = crate::ledger::source::LedgerSource::directory(&main);
            let (read, _) = crate::ledger::read(&source);
            let (_, linked) = read.expect("the unpacked set is valid");
            let found = usize::from(linked.previous.is_some()) + linked.members.len();
            assert_eq!(found, expected, "{fixture}");
        }
    }

    #[test]
    fn any_bytes_unpack() {
        let dir = tempfile::tempdir().unwrap();
        unpack_ledger(dir.path(), b"").unwrap();
        assert_eq!(std::fs::read(dir.path().join("report.yaml")).unwrap(), b"");
        unpack_ledger(dir.path(), b"a\n#--- next file ---\n\xff").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("activities/00.yaml")).unwrap(),
            b"\xff"
        );
    }
}
