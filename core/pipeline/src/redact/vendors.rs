//! Vendor token formats, after gitleaks' default configuration
//! (`config/gitleaks.toml`, gitleaks commit b58d3f1) and the vendors' own
//! documentation. One table per kind of vendor; `tokens::vendor_pattern`
//! joins them into one alternation. Every entry starts at a word boundary and
//! names a prefix no ordinary word or id carries.

/// Source hosting, package registries, CI and infrastructure-as-code.
pub(crate) const CODE: &[&str] = &[
    r"gh[pousr]_[A-Za-z0-9]{30,}",
    r"github_pat_[A-Za-z0-9_]{30,}",
    r"glpat-[A-Za-z0-9_.-]{20,}",
    r"gl(?:dt|rt|soat|ffct|ft|cbt|imt|agent|oas)-[A-Za-z0-9_-]{20,}",
    r"glptt-[0-9a-f]{40}",
    r"GR1348941[A-Za-z0-9_-]{20}",
    r"npm_[A-Za-z0-9]{36}",
    r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}",
    r"rubygems_[a-f0-9]{48}",
    r"CLOJARS_[a-z0-9]{60}",
    r"AKCp[A-Za-z0-9]{69}",
    r"cmVmd[A-Za-z0-9]{59}",
    r"pul-[a-f0-9]{40}",
    r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
    r"sntry[us]_[A-Za-z0-9+/=_]{40,}",
    r"[a-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}",
    r"(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
    r"ico-[A-Za-z0-9]{32}",
    r"rdme_[a-z0-9]{70}",
    r"pnu_[A-Za-z0-9]{36}",
    r"dp\.pt\.[A-Za-z0-9]{40,}",
    r"AGE-SECRET-KEY-1[0-9A-Z]{58}",
    r"ATATT3[A-Za-z0-9_=-]{100,}",
];

/// Cloud platforms and hosting.
pub(crate) const CLOUD: &[&str] = &[
    r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}",
    r"ABSK[A-Za-z0-9+/]{109,269}={0,2}",
    r"AIza[0-9A-Za-z_-]{35}",
    r"GOCSPX-[A-Za-z0-9_-]{24,}",
    r"ya29\.[0-9A-Za-z_-]{20,}",
    r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
    r"do[opr]_v1_[a-f0-9]{64}",
    r"HRKU-AA[0-9A-Za-z_-]{58}",
    r"LTAI[A-Za-z0-9]{20}",
    r"dapi[a-f0-9]{32}",
    r"hv[sb]\.[A-Za-z0-9_-]{90,}",
    r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
    r"fo1_[A-Za-z0-9_-]{43}",
    r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}",
    r"sha256~[A-Za-z0-9_-]{43}",
    r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}",
    r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
    r"glc_[A-Za-z0-9+/]{32,400}={0,3}",
    r"NR(?:AK|II|JS)-[A-Z0-9]{27}",
    r"ops_eyJ[A-Za-z0-9+/]{250,}={0,3}",
    r"tk-us-[A-Za-z0-9_-]{48}",
];

/// SaaS APIs: payments, messaging, e-mail, AI providers, commerce.
pub(crate) const SAAS: &[&str] = &[
    r"sk-(?:proj-|ant-(?:api03-|admin01-)?|svcacct-|admin-)?[A-Za-z0-9_-]{16,}",
    r"(?:sk|pk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,}",
    r"whsec_[A-Za-z0-9]{24,}",
    r"xox(?:[abposr]|e(?:\.xox[bp])?)-[A-Za-z0-9-]{10,}",
    r"xapp-[A-Za-z0-9-]{10,}",
    r"hf_[A-Za-z0-9]{30,}",
    r"api_org_[A-Za-z]{34}",
    r"pplx-[A-Za-z0-9]{48}",
    r"SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
    r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}",
    r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
    r"SK[0-9a-fA-F]{32}",
    r"key-[0-9a-zA-Z]{32}",
    r"[0-9a-f]{32}-us[0-9]{1,2}",
    r"lin_api_[A-Za-z0-9]{40}",
    r"ntn_[0-9]{11}[A-Za-z0-9]{35}",
    r"EZ[AT]K[A-Za-z0-9]{54}",
    r"EAA[MC][A-Za-z0-9]{100,}",
    r"(?:EAAA|sq0atp-)[A-Za-z0-9_-]{22,60}",
    r"shippo_(?:live|test)_[a-fA-F0-9]{40}",
    r"duffel_(?:live|test)_[A-Za-z0-9_=-]{43}",
    r"fio-u-[A-Za-z0-9_=-]{64}",
    r"[0-9]{8,10}:AA[0-9A-Za-z_-]{33}",
    r"A{22}[A-Za-z0-9%]{80,}",
    r"[MN][A-Za-z0-9_-]{23}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}",
];
