//! The control plane's API tests: one binary, a real server on a random
//! port per test, each test run on SQLite and on PostgreSQL.

mod helpers;

mod admin_tenants;
mod api_keys;
mod auth_hardening;
mod digest;
mod heal;
mod health;
mod hostile_input;
mod i18n;
mod i18n_console;
mod i18n_portal;
mod inbox;
mod isolation;
mod leader;
mod link_client;
mod mail;
mod openapi;
mod page_client;
mod pages;
mod portal;
mod security;
mod settings;
mod silence;
mod smtp_sink;
mod staff;
mod v1;
mod webhook_sink;
mod webhooks;
mod workers;
