//! What a request to the API server is: verb, resource, who sends it.
//!
//! These are the attributes flow schemas match on and the charts group by.

use serde::{Deserialize, Serialize};

/// The Kubernetes API verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
}

impl Verb {
    /// POST, PUT, PATCH, DELETE: the verbs `--max-mutating-requests-inflight` counts.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Verb::Create | Verb::Update | Verb::Patch | Verb::Delete
        )
    }
}

/// The resources the model distinguishes (each has its own watch cache and,
/// upstream, its own etcd connection): the built-in ones, and up to
/// [`Resource::MAX_DECLARED`] a scenario declares (`workload.resources`,
/// a custom resource or any built-in kind the model does not name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resource {
    Pods,
    Nodes,
    Leases,
    Events,
    ConfigMaps,
    Deployments,
    /// `/api`, `/apis` and group-version discovery documents
    Discovery,
    /// the scenario's declared resources, in order; a scenario names them
    /// by their declared names (see [`ResourceRef`]). Fieldless, so that a
    /// resource stays one byte and an index
    #[serde(skip)]
    Declared1,
    #[serde(skip)]
    Declared2,
    #[serde(skip)]
    Declared3,
    #[serde(skip)]
    Declared4,
}

impl Resource {
    /// The built-in resources.
    pub const ALL: [Resource; 7] = [
        Resource::Pods,
        Resource::Nodes,
        Resource::Leases,
        Resource::Events,
        Resource::ConfigMaps,
        Resource::Deployments,
        Resource::Discovery,
    ];

    /// The most resources a scenario declares.
    pub const MAX_DECLARED: usize = 4;

    /// Every resource's index is below this: per-resource tables are this long.
    pub const SLOTS: usize = Self::ALL.len() + Self::MAX_DECLARED;

    const DECLARED: [Resource; Self::MAX_DECLARED] = [
        Resource::Declared1,
        Resource::Declared2,
        Resource::Declared3,
        Resource::Declared4,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The resource of index `index`, if it is one.
    pub fn of_index(index: usize) -> Option<Resource> {
        match index.checked_sub(Self::ALL.len()) {
            None => Self::ALL.get(index).copied(),
            Some(n) => Self::declared(n),
        }
    }

    /// The `n`-th declared resource (0-based), if there may be one.
    pub fn declared(n: usize) -> Option<Resource> {
        Self::DECLARED.get(n).copied()
    }

    /// Which declared resource it is (0-based), `None` for a built-in one.
    pub fn declared_index(self) -> Option<usize> {
        self.index().checked_sub(Self::ALL.len())
    }

    /// The resource as the API names it (`configmaps`); a declared one's
    /// slot (`declared-1`: the workload knows its name).
    pub fn name(self) -> &'static str {
        match self {
            Resource::Pods => "pods",
            Resource::Nodes => "nodes",
            Resource::Leases => "leases",
            Resource::Events => "events",
            Resource::ConfigMaps => "configmaps",
            Resource::Deployments => "deployments",
            Resource::Discovery => "discovery",
            Resource::Declared1 => "declared-1",
            Resource::Declared2 => "declared-2",
            Resource::Declared3 => "declared-3",
            Resource::Declared4 => "declared-4",
        }
    }

    /// Typical size of one object [KiB] (assumptions, for transfer and
    /// serialization costs: a pod of a few containers is ~4 KiB, a node
    /// with its images list ~12 KiB, a lease ~0.4 KiB; one group-version
    /// discovery document ~5 KiB). A scenario may set its own
    /// (`workload.resources`); a declared resource always does.
    pub fn default_object_kib(self) -> f64 {
        match self {
            Resource::Pods => 4.0,
            Resource::Nodes => 12.0,
            Resource::Leases => 0.4,
            Resource::Events => 0.8,
            Resource::ConfigMaps => 2.0,
            Resource::Deployments => 3.0,
            Resource::Discovery => 5.0,
            _ => 1.0,
        }
    }
}

/// A resource as a scenario names it: a built-in one (`"pods"`) or one
/// the workload declares (`"secrets"`, `"widgets.example.com"`). Written
/// as its name (in TOML, and in the packed catalog, whose format cannot
/// tell variants apart by their content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ResourceRef {
    BuiltIn(Resource),
    Declared(String),
}

impl From<Resource> for ResourceRef {
    fn from(resource: Resource) -> Self {
        ResourceRef::BuiltIn(resource)
    }
}

impl From<String> for ResourceRef {
    fn from(name: String) -> Self {
        match Resource::ALL.into_iter().find(|r| r.name() == name) {
            Some(resource) => ResourceRef::BuiltIn(resource),
            None => ResourceRef::Declared(name),
        }
    }
}

impl From<ResourceRef> for String {
    fn from(name: ResourceRef) -> String {
        name.to_string()
    }
}

impl std::fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResourceRef::BuiltIn(r) => f.write_str(r.name()),
            ResourceRef::Declared(name) => f.write_str(name),
        }
    }
}

/// The subresource a request addresses, if any. Admission rules match on
/// it: a webhook rule for `pods` sees neither the kubelet's status PATCH
/// (`pods/status`) nor the scheduler's bind (a CREATE of `pods/binding`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Subresource {
    /// the object itself
    #[default]
    None,
    /// `…/status` (kubelets report pod and node status on it)
    Status,
    /// `pods/binding` (the scheduler binds a pod by creating one)
    Binding,
}

impl Subresource {
    pub const ALL: [Subresource; 3] =
        [Subresource::None, Subresource::Status, Subresource::Binding];

    /// The name after the slash (`status`), empty for the object itself.
    pub fn name(self) -> &'static str {
        match self {
            Subresource::None => "",
            Subresource::Status => "status",
            Subresource::Binding => "binding",
        }
    }
}

/// One entry of a webhook rule's `resources` (admissionregistration/v1
/// `Rule.Resources`): `pods`, `pods/status`, `pods/*`, `*`, `*/status` or
/// `*/*`. As upstream's matcher does
/// (`pkg/admission/plugin/webhook/predicates/rules/rules.go`,
/// `subMatch := sub == "*" || sub == opSub`), `pods` matches the pods
/// themselves and no subresource; `pods/*` matches the pods and every
/// subresource of theirs; `*/*` matches everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResourceRule {
    /// `None`: `*`, every resource
    pub resource: Option<Resource>,
    /// `None`: `/*`, every subresource and the object itself
    pub subresource: Option<Subresource>,
}

impl ResourceRule {
    /// The rule for `resource` itself (what `"pods"` says).
    pub const fn of(resource: Resource) -> Self {
        Self {
            resource: Some(resource),
            subresource: Some(Subresource::None),
        }
    }

    pub fn matches(&self, resource: Resource, subresource: Subresource) -> bool {
        self.resource.is_none_or(|r| r == resource)
            && self.subresource.is_none_or(|s| s == subresource)
    }
}

impl TryFrom<String> for ResourceRule {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        /// `*` (None), or the one of `all` named `name`.
        fn named<T: Copy>(
            all: &[T],
            name_of: fn(T) -> &'static str,
            name: &str,
            what: &str,
            text: &str,
        ) -> Result<Option<T>, String> {
            if name == "*" {
                return Ok(None);
            }
            all.iter()
                .copied()
                .find(|&t| name_of(t) == name)
                .map(Some)
                .ok_or_else(|| format!("unknown {what} \"{name}\" in rule \"{text}\""))
        }
        let (resource, subresource) = text.split_once('/').unwrap_or((&text, ""));
        let resource = named(&Resource::ALL, Resource::name, resource, "resource", &text)?;
        let subresource = named(
            &Subresource::ALL,
            Subresource::name,
            subresource,
            "subresource",
            &text,
        )?;
        // `*` alone is every resource without a subresource (upstream
        // reads it as "*" and "").
        Ok(Self {
            resource,
            subresource,
        })
    }
}

impl From<ResourceRule> for String {
    fn from(rule: ResourceRule) -> String {
        let resource = rule.resource.map_or("*", Resource::name);
        match rule.subresource {
            Some(Subresource::None) => resource.to_owned(),
            Some(s) => format!("{resource}/{}", s.name()),
            None => format!("{resource}/*"),
        }
    }
}

/// Who sends a request: what flow schemas match (by user or group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientKind {
    /// a node's kubelet (group system:nodes)
    Kubelet,
    /// kube-controller-manager
    ControllerManager,
    /// kube-scheduler
    Scheduler,
    /// controller-manager and scheduler renewing their leader-election leases
    LeaderElection,
    /// workloads' service accounts (operators, custom controllers)
    Operator,
    /// people and scripts (kubectl), authenticated users
    User,
    /// cluster administrators (group system:masters)
    Admin,
}

/// The latency class a request is charted and judged by (the SLOs of
/// sig-scalability: mutating and read of a single object ≤ 1 s at p99,
/// LIST ≤ 30 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestClass {
    Mutating,
    ReadSingle,
    List,
}

impl RequestClass {
    pub const ALL: [RequestClass; 3] = [
        RequestClass::Mutating,
        RequestClass::ReadSingle,
        RequestClass::List,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RequestClass::Mutating => "mutating",
            RequestClass::ReadSingle => "read-single",
            RequestClass::List => "list",
        }
    }

    /// The p99 latency objective [s] (kubernetes/community sig-scalability/slos).
    pub fn slo(self) -> f64 {
        match self {
            RequestClass::Mutating | RequestClass::ReadSingle => 1.0,
            RequestClass::List => 30.0,
        }
    }
}

/// One request's attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestKind {
    pub verb: Verb,
    pub resource: Resource,
    /// `status`, `binding` or none
    pub subresource: Subresource,
    pub client: ClientKind,
    /// the namespace (index) it addresses; flows of some schemas are per namespace
    pub namespace: u32,
    /// the user within its client kind (a node's number for kubelets)
    pub user: u32,
    /// objects it returns: 1 for a single object, the matched count for a
    /// LIST (for a page, the page's)
    pub objects: u32,
    /// objects it reads to find them: `objects`, or for a LIST with a
    /// selector every object in its scope (for a page, the page's share),
    /// since etcd knows no selector and the server filters what it decodes
    pub scanned: u32,
    /// which page of a LIST it is
    pub page: Page,
    /// how fast its client reads the response [KiB/s]; 0: as fast as the
    /// server writes it. A slow reader (a thin link, a client that stops
    /// reading) keeps the request, and its seats, until it has read it
    pub read_kib_s: u32,
}

/// Which part of a LIST a request asks for. client-go's pager and kubectl
/// ask for `limit` objects at a time (kubectl's `--chunk-size` is 500,
/// `pkg/cmd/util/helpers.go`) and follow the `continue` token the answer
/// carries until it is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// no limit: every object in scope in one answer (informers'
    /// `resourceVersion=0` LISTs too: the watch cache ignores their limit,
    /// `cacher.go` `computeListLimit`)
    #[default]
    Whole,
    /// the first page, with `rest` objects after it, found among
    /// `scanned_rest` more
    First {
        limit: u32,
        rest: u32,
        scanned_rest: u32,
    },
    /// a later page (it carries a `continue` token), with `rest` objects
    /// after it, found among `scanned_rest` more
    Continue {
        limit: u32,
        rest: u32,
        scanned_rest: u32,
    },
}

impl Page {
    /// The page's `limit`, 0 when there is none.
    pub fn limit(self) -> u32 {
        match self {
            Page::Whole => 0,
            Page::First { limit, .. } | Page::Continue { limit, .. } => limit,
        }
    }
}

/// One page of a LIST with `limit` a page: the objects it returns and
/// the objects it reads for them, of the `matched` left among `scanned`.
/// Upstream's etcd3 store reads chunk after chunk until the page holds
/// `limit` matches or nothing remains (`store.go`, `GetList`): with the
/// matches spread evenly a page reads its share of the scope, the last page
/// reads to the end, and a selector that matches nothing reads everything
/// in one page.
fn page_of(limit: u32, matched: u32, scanned: u32) -> (u32, u32) {
    let objects = matched.min(limit);
    if objects == matched {
        return (objects, scanned);
    }
    let share = (scanned as u64 * objects as u64).div_ceil(matched as u64) as u32;
    (objects, share.clamp(objects.min(scanned), scanned))
}

impl RequestKind {
    /// A single object, or a LIST of every object in scope (no selector).
    pub fn scanning_what_it_returns(self) -> Self {
        Self {
            scanned: self.objects,
            ..self
        }
    }

    /// This LIST of `self.objects` (found among `self.scanned`) asked for
    /// `limit` at a time (0: at once): its first page (the only one, if
    /// they fit).
    pub fn paged(self, limit: u32) -> Self {
        if limit == 0 || self.verb != Verb::List {
            return self;
        }
        let (objects, scanned) = page_of(limit, self.objects, self.scanned);
        Self {
            objects,
            scanned,
            page: Page::First {
                limit,
                rest: self.objects - objects,
                scanned_rest: self.scanned - scanned,
            },
            ..self
        }
    }

    /// The page after this one, if its answer carried a `continue` token.
    pub fn next_page(&self) -> Option<Self> {
        match self.page {
            Page::First {
                limit,
                rest,
                scanned_rest,
            }
            | Page::Continue {
                limit,
                rest,
                scanned_rest,
            } if rest > 0 => {
                let (objects, scanned) = page_of(limit, rest, scanned_rest);
                Some(Self {
                    objects,
                    scanned,
                    page: Page::Continue {
                        limit,
                        rest: rest - objects,
                        scanned_rest: scanned_rest - scanned,
                    },
                    ..*self
                })
            }
            _ => None,
        }
    }

    pub fn class(&self) -> RequestClass {
        match self.verb {
            v if v.is_mutating() => RequestClass::Mutating,
            Verb::List => RequestClass::List,
            _ => RequestClass::ReadSingle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(kind: RequestKind) -> Vec<(u32, u32)> {
        let mut kind = Some(kind);
        std::iter::from_fn(|| {
            let page = kind?;
            kind = page.next_page();
            Some((page.objects, page.scanned))
        })
        .collect()
    }

    /// A paged LIST with a selector: each page reads its share of the
    /// scope (upstream's etcd3 `GetList` reads chunks until the page has
    /// `limit` matches), every object in scope is read once, and a selector
    /// matching nothing reads everything in one page.
    #[test]
    fn a_selector_spreads_the_scope_over_the_pages() {
        let list = |objects, scanned| RequestKind {
            verb: Verb::List,
            resource: Resource::Pods,
            subresource: Subresource::None,
            client: ClientKind::User,
            namespace: 0,
            user: 0,
            objects,
            scanned,
            page: Page::Whole,
            read_kib_s: 0,
        };
        let selected = pages(list(1_200, 10_000).paged(500));
        assert_eq!(selected, [(500, 4_167), (500, 4_167), (200, 1_666)]);
        assert_eq!(pages(list(0, 10_000).paged(500)), [(0, 10_000)]);
        assert_eq!(
            pages(list(1_200, 1_200).paged(500)),
            [(500, 500), (500, 500), (200, 200)]
        );
        assert_eq!(pages(list(1_200, 10_000)), [(1_200, 10_000)]);
    }

    fn rule(text: &str) -> ResourceRule {
        ResourceRule::try_from(text.to_owned()).expect("a valid rule")
    }

    /// admissionregistration/v1 `Rule.Resources` and upstream's matcher
    /// (`pkg/admission/plugin/webhook/predicates/rules/rules.go`,
    /// `Matcher.resource`): "pods" means pods and no subresource.
    #[test]
    fn a_rule_for_pods_matches_neither_pods_status_nor_pods_binding() {
        use Resource::Pods;
        use Subresource as S;
        assert!(rule("pods").matches(Pods, S::None));
        assert!(!rule("pods").matches(Pods, S::Status));
        assert!(!rule("pods").matches(Pods, S::Binding));
        assert!(rule("pods/status").matches(Pods, S::Status));
        assert!(!rule("pods/status").matches(Pods, S::None));
        assert!(rule("pods/*").matches(Pods, S::Binding));
        assert!(
            rule("pods/*").matches(Pods, S::None),
            "rules.go: sub == \"*\""
        );
        assert!(!rule("pods/*").matches(Resource::Nodes, S::None));
        assert!(rule("*").matches(Resource::Nodes, S::None));
        assert!(!rule("*").matches(Resource::Nodes, S::Status));
        assert!(rule("*/*").matches(Resource::Nodes, S::Status));
        assert!(rule("*/status").matches(Resource::Nodes, S::Status));
        for text in ["pods", "pods/status", "pods/*", "*", "*/*", "*/binding"] {
            assert_eq!(String::from(rule(text)), text);
        }
        assert!(ResourceRule::try_from("pod".to_owned()).is_err());
        assert!(ResourceRule::try_from("pods/exec".to_owned()).is_err());
    }
}
