//! What a change to Trash says it did: "1 folder (37 assets inside) moved
//! to Trash", "2 assets restored. “Spring” is back as “Spring (restored)”…".

use super::{MoveOutcome, RestoreFromTrashOutcome, RestoreOutcome};

impl MoveOutcome {
    /// "2 assets moved to Trash", "1 folder (37 assets inside) and 5
    /// assets moved to Trash", "3 assets moved to Trash, 2 in use kept".
    pub fn summary(&self) -> String {
        let what = crate::assets::folders::model::mix_with_inside(
            self.folders,
            (self.folders > 0).then_some(self.inside),
            self.moved,
        );
        let mut text = format!("{what} moved to Trash");
        let kept = self.kept_in_use.len();
        if kept > 0 {
            text.push_str(&format!(", {kept} in use kept"));
            let it = if kept == 1 { "it" } else { "them" };
            match self.kept_folders.len() {
                0 => {}
                1 => text.push_str(&format!(" with the folder holding {it}")),
                n => text.push_str(&format!(" with the {n} folders holding {it}")),
            }
        }
        text
    }
}

/// "2 assets restored", with what else a person should know: folders that
/// came back under a new name, and rows that came back at the top level.
pub fn restored_summary(
    assets: u64,
    folders: u64,
    renamed: &[(String, String)],
    to_top_level: u64,
) -> String {
    let mut text = format!(
        "{} restored",
        crate::assets::folders::model::mix_count(folders, assets)
    );
    for (old, new) in renamed {
        text.push_str(&format!(
            ". “{old}” is back as “{new}”: a folder there has its name now"
        ));
    }
    if to_top_level > 0 {
        text.push_str(&format!(
            ". {to_top_level} came back at the top level: the folder {} was in was deleted permanently",
            if to_top_level == 1 { "it" } else { "they" }
        ));
    }
    text
}

impl RestoreOutcome {
    pub fn summary(&self) -> String {
        restored_summary(
            self.restored,
            self.folders,
            &self.renamed,
            self.to_top_level,
        )
    }
}

impl RestoreFromTrashOutcome {
    pub fn summary(&self) -> String {
        restored_summary(
            self.restored,
            self.folders,
            &self.renamed,
            self.to_top_level,
        )
    }
}
