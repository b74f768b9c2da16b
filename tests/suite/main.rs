//! The integration tests, one binary: each module was a test binary of its own, and each
//! linked the library and Typst (0.4–0.6 GB apiece), so a change to `src/` relinked 24
//! of them. `common` holds what they share.

mod common;

mod architecture;
mod authoring;
mod batch;
mod browser;
mod cli;
mod cli_promises;
mod docx;
mod faults;
mod first_hour;
mod input_method;
mod limits;
mod pdf;
mod pdf_layout;
mod proofreading;
mod properties;
mod published;
mod reference;
mod reproducible;
mod robustness;
mod serve;
mod serve_browser;
mod serve_hostile;
mod serve_load;
mod shapes;
mod sheet;
mod snapshots;
mod typing;
mod web;
