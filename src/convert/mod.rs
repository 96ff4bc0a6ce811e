//! Stages → LLB graph and image config: the DAG of stages, pruning, ARG/ENV scoping,
//! progress names and the source map.

pub mod image;

pub use image::Image;
