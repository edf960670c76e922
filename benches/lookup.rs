//! Lookups in the built-in catalog tables: model refs (canonical, model alias, namespace
//! alias, unknown), auth choice ids (canonical, legacy) and endpoint hosts.
//!
//! Run with `cargo bench --bench lookup`. A hit is a binary search over a sorted static
//! slice and should take well under 100 ns; a miss also ranks every known ref by string
//! similarity to build its "did you mean" suggestions, so it is expected to be slower.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use provcat::catalog::{self, LookupError, RefVia};

/// Model refs looked up, with how each is expected to resolve (`None`: a miss).
const MODEL_CASES: &[(&str, &str, Option<RefVia>)] = &[
    ("canonical", "qwen/qwen3.5-plus", Some(RefVia::Canonical)),
    ("model_alias", "alibaba/wan2.6-t2v", Some(RefVia::Alias)),
    (
        "namespace_alias",
        "modelstudio/glm-5",
        Some(RefVia::NamespaceAlias),
    ),
    ("unknown", "qwen/qwen3.5-plsu", None),
];

/// Auth choice ids looked up, with whether each is a legacy id.
const AUTH_CASES: &[(&str, &str, bool)] = &[
    ("canonical", "qwen-standard-api-key-cn", false),
    ("legacy", "modelstudio-standard-api-key-cn", true),
];

const HOST: &str = "dashscope-intl.aliyuncs.com";

/// Checks that every case resolves the way its name says, so the numbers measure what
/// they claim to.
fn check_cases() {
    for &(name, reference, via) in MODEL_CASES {
        match (catalog::lookup_model(reference), via) {
            (Ok(found), Some(via)) => assert_eq!(found.via, via, "{name}: {reference}"),
            (Err(LookupError::UnknownModel { suggestions, .. }), None) => {
                assert!(!suggestions.is_empty(), "{name}: no suggestions")
            }
            (result, _) => panic!("{name}: `{reference}` resolved unexpectedly: {result:?}"),
        }
    }
    for &(name, id, legacy) in AUTH_CASES {
        match catalog::lookup_auth_choice(id) {
            Ok(found) => assert_eq!(found.legacy_alias.is_some(), legacy, "{name}: {id}"),
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert!(catalog::endpoint_for_host(HOST).is_some(), "host {HOST}");
}

fn lookups(c: &mut Criterion) {
    check_cases();

    let mut group = c.benchmark_group("lookup_model");
    for &(name, reference, _) in MODEL_CASES {
        group.bench_function(name, |b| {
            b.iter(|| catalog::lookup_model(black_box(reference)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("lookup_auth_choice");
    for &(name, id, _) in AUTH_CASES {
        group.bench_function(name, |b| {
            b.iter(|| catalog::lookup_auth_choice(black_box(id)))
        });
    }
    group.finish();

    c.bench_function("endpoint_for_host", |b| {
        b.iter(|| catalog::endpoint_for_host(black_box(HOST)))
    });
}

criterion_group!(benches, lookups);
criterion_main!(benches);
