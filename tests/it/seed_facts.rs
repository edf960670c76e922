//! Every fact of the seed page (`shared/seed/qwen-model-studio.md`), asserted from the
//! tables compiled into the binary.

use provcat::catalog::{
    self, AvailabilityStatus, Billing, Dialect, LookupError, MediaField, Modality, ModelKind,
    RefVia, Surface, ThinkingFormat, VideoMode,
};

/// Whether a (plan, region) pair is one of the seed's: the catalog adds others (the Token
/// Plan, the US region, other providers), which the seed's counts leave out.
fn in_seed(plan: &str, region: &str) -> bool {
    ["standard", "coding"].contains(&plan) && ["cn", "global"].contains(&region)
}

fn qwen() -> &'static catalog::Provider {
    catalog::provider("qwen").expect("the qwen provider exists")
}

#[test]
fn provider_qwen_with_legacy_alias_modelstudio() {
    let p = qwen();
    assert_eq!(p.id, "qwen");
    assert_eq!(p.namespace_aliases, ["modelstudio"]);
    // API: OpenAI-compatible, on every endpoint.
    for e in p.endpoints {
        assert_eq!(
            e.surface(Surface::Chat).unwrap().dialect,
            Dialect::OpenAiCompletions
        );
    }
    assert!(std::ptr::eq(catalog::provider("modelstudio").unwrap(), p));
    assert_eq!(p.default_model, "qwen/qwen3.5-plus");
    assert_eq!(p.links.api_keys, "https://home.qwencloud.com/api-keys");
    assert_eq!(p.links.docs, "https://docs.qwencloud.com");
}

#[test]
fn auth_env_vars_in_order() {
    assert_eq!(
        qwen().auth_env,
        ["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"]
    );
}

#[test]
fn plans_and_regions() {
    let p = qwen();
    let standard = p.plan("standard").unwrap();
    assert_eq!(standard.billing, Billing::PayAsYouGo);
    assert_eq!(standard.key_prefix, Some("sk-"));
    let coding = p.plan("coding").unwrap();
    assert_eq!(coding.billing, Billing::Subscription);
    assert_eq!(coding.key_prefix, Some("sk-sp-"));
    // The seed's two regions, first; the catalog adds the US region after them.
    let regions: Vec<&str> = p.regions.iter().map(|r| r.id).take(2).collect();
    assert_eq!(regions, ["cn", "global"]);
}

/// The seed's "Plan types and endpoints" table, canonical and legacy ids alike.
#[test]
fn every_auth_choice_selects_its_endpoint() {
    let table = [
        (
            "qwen-standard-api-key-cn",
            "standard",
            "cn",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
        ),
        (
            "qwen-standard-api-key",
            "standard",
            "global",
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        ),
        (
            "qwen-api-key-cn",
            "coding",
            "cn",
            "https://coding.dashscope.aliyuncs.com/v1",
        ),
        (
            "qwen-api-key",
            "coding",
            "global",
            "https://coding-intl.dashscope.aliyuncs.com/v1",
        ),
    ];
    for (id, plan, region, url) in table {
        let legacy = id.replacen("qwen-", "modelstudio-", 1);
        for typed in [id, legacy.as_str()] {
            let found = catalog::lookup_auth_choice(typed).unwrap();
            assert_eq!(found.choice.id, id, "{typed}");
            assert_eq!(
                (found.choice.plan, found.choice.region),
                (plan, region),
                "{typed}"
            );
            assert_eq!(found.endpoint().unwrap().base_url(), url, "{typed}");
            let expected_legacy = (typed != id).then_some(typed);
            assert_eq!(found.legacy_alias, expected_legacy, "{typed}");
        }
    }
    // The seed's four: the catalog adds others after them (other plans, regions, providers).
    assert_eq!(
        catalog::auth_choices()
            .filter(|c| c.provider == "qwen" && in_seed(c.plan, c.region))
            .count(),
        4
    );
}

#[test]
fn native_hosts_support_streaming_usage_and_only_standard_serves_video() {
    let endpoints: Vec<_> = catalog::endpoints()
        .filter(|e| e.provider == "qwen" && in_seed(e.plan, e.region))
        .collect();
    assert_eq!(endpoints.len(), 4);
    for e in &endpoints {
        let chat = e.surface(Surface::Chat).unwrap();
        assert!(chat.capabilities.streaming_usage, "{}", chat.base_url);
        assert!(!chat.capabilities.developer_role, "{}", chat.base_url);
        assert_eq!(
            chat.capabilities.thinking_format,
            ThinkingFormat::EnableThinking
        );
        let serves_video = e.serves(Surface::Video);
        assert_eq!(serves_video, e.plan == "standard", "{}", chat.base_url);
        if let Some(video) = e.surface(Surface::Video) {
            assert_eq!(video.dialect, Dialect::DashscopeVideo);
            assert_eq!(
                chat.base_url,
                format!("{}/compatible-mode/v1", video.base_url),
                "the native host serves the compatible mode"
            );
        }
    }
    for host in [
        "coding.dashscope.aliyuncs.com",
        "coding-intl.dashscope.aliyuncs.com",
        "dashscope.aliyuncs.com",
        "DashScope-Intl.aliyuncs.com",
    ] {
        let found = catalog::surface_for_host(host, Dialect::OpenAiCompletions)
            .unwrap_or_else(|| panic!("{host}"));
        assert!(found.surface.capabilities.streaming_usage);
    }
    assert!(catalog::endpoint_for_host("api.example.com").is_none());
}

/// The seed's built-in catalog table, with the max output tokens.
#[test]
fn built_in_chat_models() {
    use Modality::{Image, Text};
    let table: [(&str, &[Modality], u32, u32, &str); 9] = [
        (
            "qwen/qwen3.5-plus",
            &[Text, Image],
            1_000_000,
            65_536,
            "Default model",
        ),
        (
            "qwen/qwen3.6-plus",
            &[Text, Image],
            1_000_000,
            65_536,
            "Prefer Standard endpoints when you need this model",
        ),
        (
            "qwen/qwen3-max-2026-01-23",
            &[Text],
            262_144,
            65_536,
            "Qwen Max line",
        ),
        ("qwen/qwen3-coder-next", &[Text], 262_144, 65_536, "Coding"),
        (
            "qwen/qwen3-coder-plus",
            &[Text],
            1_000_000,
            65_536,
            "Coding",
        ),
        (
            "qwen/MiniMax-M2.5",
            &[Text],
            1_000_000,
            65_536,
            "Reasoning enabled",
        ),
        ("qwen/glm-5", &[Text], 202_752, 16_384, "GLM"),
        ("qwen/glm-4.7", &[Text], 202_752, 16_384, "GLM"),
        (
            "qwen/kimi-k2.5",
            &[Text, Image],
            262_144,
            32_768,
            "Moonshot AI via Alibaba",
        ),
    ];
    for (r, input, context, output, notes) in table {
        let m = catalog::lookup_model(r).unwrap().model;
        assert_eq!(m.canonical_ref, r);
        assert_eq!(m.kind, ModelKind::Chat, "{r}");
        assert_eq!(m.input, input, "{r}");
        assert_eq!(m.context_window, Some(context), "{r}");
        assert_eq!(m.max_output_tokens, Some(output), "{r}");
        assert_eq!(m.notes, Some(notes), "{r}");
    }
    let chat = catalog::models()
        .iter()
        .filter(|m| m.provider == "qwen" && m.kind == ModelKind::Chat)
        .count();
    assert_eq!(chat, 9);
    assert!(
        catalog::lookup_model("qwen/MiniMax-M2.5")
            .unwrap()
            .model
            .reasoning
    );
    let default = catalog::lookup_model(qwen().default_model).unwrap().model;
    assert_eq!(default.id, "qwen3.5-plus");
}

#[test]
fn qwen36_plus_may_be_rejected_on_the_coding_plan() {
    let m = catalog::lookup_model("qwen/qwen3.6-plus").unwrap().model;
    assert_eq!(
        m.availability_on("standard").unwrap().status,
        AvailabilityStatus::Available
    );
    let coding = m.availability_on("coding").unwrap();
    assert_eq!(coding.status, AvailabilityStatus::MayBeRejected);
    let reason = coding.reason.unwrap();
    assert!(
        reason.contains("switch to Standard (pay-as-you-go)"),
        "{reason}"
    );
    assert!(reason.contains("unsupported model"), "{reason}");
}

#[test]
fn every_chat_ref_also_resolves_under_modelstudio() {
    for m in catalog::models().iter().filter(|m| m.provider == "qwen") {
        let legacy = format!("modelstudio/{}", m.id);
        let found = catalog::lookup_model(&legacy).unwrap();
        assert!(std::ptr::eq(found.model, m), "{legacy}");
        assert_eq!(found.via, RefVia::NamespaceAlias);
        assert_eq!(found.alias, Some(legacy.as_str()));
    }
}

#[test]
fn wan_video_models_under_both_prefixes() {
    let table = [
        ("wan2.6-t2v", VideoMode::T2v, MediaField::None),
        ("wan2.6-i2v", VideoMode::I2v, MediaField::ImgUrl),
        ("wan2.6-r2v", VideoMode::R2v, MediaField::ReferenceUrls),
        (
            "wan2.6-r2v-flash",
            VideoMode::R2v,
            MediaField::ReferenceUrls,
        ),
        ("wan2.7-r2v", VideoMode::R2v, MediaField::Media),
    ];
    for (id, mode, field) in table {
        let canonical = catalog::lookup_model(&format!("qwen/{id}")).unwrap();
        assert_eq!(canonical.via, RefVia::Canonical);
        assert_eq!(canonical.alias, None);
        let alibaba = format!("alibaba/{id}");
        let aliased = catalog::lookup_model(&alibaba).unwrap();
        assert!(std::ptr::eq(aliased.model, canonical.model), "{alibaba}");
        assert_eq!(aliased.alias, Some(alibaba.as_str()));

        let m = canonical.model;
        assert_eq!(m.kind, ModelKind::Video, "{id}");
        let video = m.video.as_ref().unwrap();
        assert_eq!((video.mode, video.media.field), (mode, field), "{id}");
        // Reference modes take remote http(s) URLs only.
        assert_eq!(video.media.remote_urls_only, mode != VideoMode::T2v, "{id}");
        // Standard plan only.
        assert_eq!(
            m.availability_on("standard").unwrap().status,
            AvailabilityStatus::Available
        );
        assert_eq!(
            m.availability_on("coding").unwrap().status,
            AvailabilityStatus::Unavailable
        );
    }
    let r2v = catalog::lookup_model("qwen/wan2.6-r2v")
        .unwrap()
        .model
        .video
        .as_ref()
        .unwrap();
    assert_eq!(
        (
            r2v.media.min_items,
            r2v.media.max_items,
            r2v.media.max_videos
        ),
        (1, Some(5), Some(3))
    );
    let i2v = catalog::lookup_model("qwen/wan2.6-i2v")
        .unwrap()
        .model
        .video
        .as_ref()
        .unwrap();
    assert_eq!(i2v.resolutions, ["720P", "1080P"]);
    let wan27 = catalog::lookup_model("qwen/wan2.7-r2v")
        .unwrap()
        .model
        .video
        .as_ref()
        .unwrap();
    assert_eq!(wan27.ratios, ["16:9", "9:16", "1:1", "4:3", "3:4"]);
}

#[test]
fn unknown_names_carry_suggestions() {
    match catalog::lookup_model("qwen/qwen3.5-plsu") {
        Err(LookupError::UnknownModel { suggestions, .. }) => {
            assert_eq!(suggestions.first(), Some(&"qwen/qwen3.5-plus"))
        }
        other => panic!("{other:?}"),
    }
    let e = catalog::lookup_auth_choice("qwen-standard-apikey-cn").unwrap_err();
    // The US choice the catalog adds is among the closest names.
    assert_eq!(
        e.to_string(),
        "unknown auth choice `qwen-standard-apikey-cn`; did you mean `qwen-standard-api-key-cn`, \
         `qwen-standard-api-key-us` or `qwen-standard-api-key`?"
    );
}

#[test]
fn refs_are_case_sensitive_but_suggest_the_right_case() {
    let e = catalog::lookup_model("qwen/minimax-m2.5").unwrap_err();
    assert!(
        e.to_string().contains("did you mean `qwen/MiniMax-M2.5`"),
        "{e}"
    );
}
