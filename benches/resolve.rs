//! Resolution and config loading: what every `chat` / `video` / `explain` call pays
//! before its first byte goes out.
//!
//! Run with `cargo bench --bench resolve`. `load_config` reads, parses (with spans),
//! schema-validates and catalog-checks a realistic config and its `.env`; `resolve/*`
//! turns a ref into a `Target` (endpoint, capabilities with reasons, key lookup).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use provcat::config::{self, ConfigLocation, ConfigOrigin, Env};
use provcat::resolve::{self, Request};

const CONFIG: &str = r#"# a realistic config
[agents.defaults.model]
primary = "qwen/qwen3.5-plus"

[agents.defaults.videoGenerationModel]
primary = "alibaba/wan2.6-t2v"

[models.providers.qwen]
authChoice = "qwen-standard-api-key"
headers = { X-Team = "research" }

[models.providers.proxy]
api = "openai-completions"
baseUrl = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
compat = { supportsDeveloperRole = true }

[env]
OTHER = "1"
"#;

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, CONFIG).expect("the config is written");
    std::fs::write(
        dir.path().join(".env"),
        "QWEN_API_KEY=sk-0123456789abcdefWXYZ\n",
    )
    .expect("the .env is written");
    let location = ConfigLocation {
        path,
        origin: ConfigOrigin::Flag,
    };
    let loaded = match config::load(location.clone()) {
        Ok(loaded) => loaded,
        Err(report) => panic!(
            "the bench config is broken:\n{}",
            report.render_diagnostics(false)
        ),
    };
    let env = Env::from_pairs([("DASHSCOPE_API_KEY", "sk-0123456789abcdefQRST")]);

    c.bench_function("load_config", |b| {
        b.iter(|| config::load(black_box(location.clone())))
    });
    let mut group = c.benchmark_group("resolve");
    for (name, reference) in [
        ("default", None),
        ("namespace_alias", Some("modelstudio/glm-5")),
        ("video_alias", Some("alibaba/wan2.6-t2v")),
        ("custom_provider", Some("proxy/qwen-plus")),
    ] {
        let request = Request {
            reference,
            ..Request::default()
        };
        if let Err(report) = resolve::resolve(&request, &loaded, &env) {
            panic!(
                "{name} does not resolve:\n{}",
                report.render_diagnostics(false)
            );
        }
        group.bench_function(name, |b| {
            b.iter(|| resolve::resolve(black_box(&request), &loaded, &env))
        });
    }
    group.finish();
}

criterion_group!(resolution, benches);
criterion_main!(resolution);
