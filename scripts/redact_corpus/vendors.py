"""Vendor token formats, after gitleaks' default rules (config/gitleaks.toml at
gitleaks commit b58d3f1): each maker draws a fresh random body of the vendor's
documented shape. Keyword-only gitleaks rules (a vendor name in the key plus a
random value) are covered by the key-name families instead."""

from __future__ import annotations

from .common import ALNUM, B64, B64URL, DIGITS, HEX, LOWER, UPPER, Rng

AWS_ID = UPPER + "234567"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
W = ALNUM + "_"


def _slack_num(r: Rng) -> str:
    return r.digits(r.randrange(10, 14))


VENDORS = [
    ("aws_akia", lambda r: "AKIA" + r.s(16, AWS_ID)),
    ("aws_asia", lambda r: "ASIA" + r.s(16, AWS_ID)),
    ("aws_abia", lambda r: r.choice(["ABIA", "ACCA", "A3T" + r.s(1, UPPER)]) + r.s(16, AWS_ID)),
    ("aws_bedrock", lambda r: "ABSK" + r.s(r.randrange(109, 140), B64)),
    ("github_pat", lambda r: "ghp_" + r.s(36)),
    ("github_oauth", lambda r: "gho_" + r.s(36)),
    ("github_user_app", lambda r: "ghu_" + r.s(36)),
    ("github_server_app", lambda r: "ghs_" + r.s(36)),
    ("github_refresh", lambda r: "ghr_" + r.s(36)),
    ("github_fine_grained", lambda r: "github_pat_11" + r.s(20, UPPER + DIGITS) + "_" + r.s(59)),
    ("gitlab_pat", lambda r: "glpat-" + r.s(20, ALNUM + "_-")),
    ("gitlab_other", lambda r: r.choice(["gldt-", "glrt-", "glsoat-", "glffct-", "glft-"]) + r.s(20, ALNUM + "_-")),
    ("gitlab_ptt", lambda r: "glptt-" + r.hexs(40)),
    ("gitlab_runner_registration", lambda r: "GR1348941" + r.s(20, ALNUM + "_-")),
    ("slack_bot", lambda r: f"xoxb-{_slack_num(r)}-{_slack_num(r)}-{r.s(24)}"),
    ("slack_user", lambda r: f"xoxp-{_slack_num(r)}-{_slack_num(r)}-{_slack_num(r)}-{r.hexs(32)}"),
    ("slack_legacy", lambda r: r.choice(["xoxa-2-", "xoxr-"]) + r.s(r.randrange(20, 48))),
    ("slack_config", lambda r: f"xoxe.xox{r.choice('bp')}-1-" + r.s(164, UPPER + DIGITS)),
    ("slack_refresh", lambda r: "xoxe-1-" + r.s(146, UPPER + DIGITS)),
    ("slack_app", lambda r: f"xapp-1-A{r.s(10, UPPER + DIGITS)}-{r.digits(13)}-{r.hexs(64)}"),
    ("stripe_secret", lambda r: r.choice(["sk_live_", "sk_test_", "sk_prod_"]) + r.s(r.randrange(24, 99))),
    ("stripe_restricted", lambda r: r.choice(["rk_live_", "rk_test_"]) + r.s(r.randrange(24, 99))),
    ("stripe_webhook", lambda r: "whsec_" + r.s(32)),
    ("openai_project", lambda r: "sk-proj-" + r.s(58, B64URL) + "T3BlbkFJ" + r.s(58, B64URL)),
    ("openai_service", lambda r: r.choice(["sk-svcacct-", "sk-admin-"]) + r.s(58, B64URL) + "T3BlbkFJ" + r.s(58, B64URL)),
    ("openai_legacy", lambda r: "sk-" + r.s(20) + "T3BlbkFJ" + r.s(20)),
    ("anthropic", lambda r: "sk-ant-api03-" + r.s(93, B64URL) + "AA"),
    ("anthropic_admin", lambda r: "sk-ant-admin01-" + r.s(93, B64URL) + "AA"),
    ("google_api_key", lambda r: "AIza" + r.s(35, B64URL)),
    ("google_oauth_secret", lambda r: "GOCSPX-" + r.s(28, B64URL)),
    ("google_oauth_token", lambda r: "ya29." + r.s(r.randrange(60, 180), B64URL)),
    ("twilio", lambda r: "SK" + r.hexs(32)),
    ("sendgrid", lambda r: "SG." + r.s(22, B64URL) + "." + r.s(43, B64URL)),
    ("sendinblue", lambda r: "xkeysib-" + r.hexs(64) + "-" + r.s(16)),
    ("mailgun", lambda r: "key-" + r.hexs(32)),
    ("mailchimp", lambda r: r.hexs(32) + "-us" + str(r.randrange(1, 21))),
    ("npm", lambda r: "npm_" + r.s(36)),
    ("pypi", lambda r: "pypi-AgEIcHlwaS5vcmc" + r.s(r.randrange(50, 160), B64URL)),
    ("rubygems", lambda r: "rubygems_" + r.hexs(48)),
    ("clojars", lambda r: "CLOJARS_" + r.s(60, LOWER + DIGITS)),
    ("shopify", lambda r: r.choice(["shpat_", "shpca_", "shppa_", "shpss_"]) + r.s(32, HEX + "ABCDEF")),
    ("azure_ad_client_secret", lambda r: r.s(3) + r.choice(DIGITS) + "Q~" + r.s(r.randrange(31, 35), ALNUM + "_~.-")),
    ("digitalocean", lambda r: r.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + r.hexs(64)),
    ("heroku_v2", lambda r: "HRKU-AA" + r.s(58, ALNUM + "_-")),
    ("huggingface", lambda r: r.choice(["hf_", "api_org_"]) + r.s(34, UPPER + LOWER)),
    ("perplexity", lambda r: "pplx-" + r.s(48)),
    ("linear", lambda r: "lin_api_" + r.s(40)),
    ("doppler", lambda r: "dp.pt." + r.s(43)),
    ("databricks", lambda r: "dapi" + r.hexs(32)),
    ("age", lambda r: "AGE-SECRET-KEY-1" + r.s(58, BECH32)),
    ("vault", lambda r: "hvs." + r.s(r.randrange(90, 120), W + "-")),
    ("vault_batch", lambda r: "hvb." + r.s(r.randrange(138, 200), W + "-")),
    ("pulumi", lambda r: "pul-" + r.hexs(40)),
    ("postman", lambda r: "PMAK-" + r.hexs(24) + "-" + r.hexs(34)),
    ("sentry_user", lambda r: "sntryu_" + r.hexs(64)),
    ("grafana_service_account", lambda r: "glsa_" + r.s(32) + "_" + r.hexs(8)),
    ("grafana_cloud", lambda r: "glc_" + r.s(r.randrange(40, 120), B64)),
    ("notion", lambda r: "ntn_" + r.digits(11) + r.s(35)),
    ("onepassword_service", lambda r: "ops_eyJ" + r.s(r.randrange(250, 320), B64)),
    ("alibaba", lambda r: "LTAI" + r.s(20, LOWER + DIGITS)),
    ("dynatrace", lambda r: "dt0c01." + r.s(24, UPPER + DIGITS) + "." + r.s(64, UPPER + DIGITS)),
    ("easypost", lambda r: r.choice(["EZAK", "EZTK"]) + r.s(54, LOWER + DIGITS)),
    ("facebook_page", lambda r: "EAA" + r.choice("MC") + r.s(r.randrange(100, 180))),
    ("square", lambda r: r.choice(["EAAA", "sq0atp-"]) + r.s(r.randrange(22, 60), B64URL)),
    ("shippo", lambda r: r.choice(["shippo_live_", "shippo_test_"]) + r.hexs(40)),
    ("planetscale", lambda r: r.choice(["pscale_tkn_", "pscale_pw_", "pscale_oauth_"]) + r.s(r.randrange(32, 64), W)),
    ("prefect", lambda r: "pnu_" + r.s(36)),
    ("readme", lambda r: "rdme_" + r.s(70, LOWER + DIGITS)),
    ("scalingo", lambda r: "tk-us-" + r.s(48, ALNUM + "_-")),
    ("flyio", lambda r: "fo1_" + r.s(43, ALNUM + "_-")),
    ("frameio", lambda r: "fio-u-" + r.s(64, ALNUM + "_-")),
    ("duffel", lambda r: r.choice(["duffel_live_", "duffel_test_"]) + r.s(43, ALNUM + "_-")),
    ("openshift", lambda r: "sha256~" + r.s(43, ALNUM + "_-")),
    ("telegram_bot", lambda r: str(r.randrange(10**8, 10**10)) + ":AA" + r.s(33, ALNUM + "_-")),
    ("artifactory", lambda r: r.choice(["AKCp" + r.s(69), "cmVmd" + r.s(59)])),
    ("infracost", lambda r: "ico-" + r.s(32)),
    ("new_relic", lambda r: r.choice(["NRAK-", "NRII-", "NRJS-"]) + r.s(27, UPPER + DIGITS)),
    ("twitter_bearer", lambda r: "A" * 22 + r.s(r.randrange(80, 100), ALNUM + "%")),
    ("cloudflare_origin_ca", lambda r: "v1.0-" + r.hexs(24) + "-" + r.hexs(146)),
    ("hashicorp_tf", lambda r: r.s(14, LOWER + DIGITS) + ".atlasv1." + r.s(r.randrange(60, 70), ALNUM + "-_=")),
    ("harness", lambda r: r.choice(["pat.", "sat."]) + r.s(22, B64URL) + "." + r.s(24) + "." + r.s(20)),
    ("sidekiq", lambda r: "https://" + r.hexs(8) + ":" + r.hexs(8) + "@gems.contribsys.com/"),
    ("discord_bot", lambda r: r.choice("MN") + r.s(23, B64URL) + "." + r.s(6, B64URL) + "." + r.s(27, B64URL)),
    ("atlassian", lambda r: "ATATT3xFfGF0" + r.s(180, B64URL) + "=" + r.hexs(8).upper()),
]

_ = DIGITS  # re-exported names used by the makers above
