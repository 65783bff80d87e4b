//! The shop's proof on both backends: holds never promise more than the stock (or a window's
//! places), checkout turns exactly the won holds into orders, codes are used as often as their
//! limits say, and holds expire by the clock alone.
pub(crate) mod fixture;

mod concurrency;
mod expiry;
mod orders;
mod pages;
mod rest;
