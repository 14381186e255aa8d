//! Canonical XML over the arena tree: Exclusive XML Canonicalization 1.0 (with or without
//! comments, with an InclusiveNamespaces PrefixList) and Canonical XML 1.0 and 1.1.
//!
//! The node-set is always "the subtree of one element, minus at most one excluded subtree" (the
//! enveloped Signature): that is the only node-set a SAML signature may select. The input is the
//! parsed tree, never the raw text, so what is hashed is what the rest of the crate reads.
//! This module does not parse, look up IDs or judge signatures; it only renders bytes.
//! Canonical XML 1.1's `xml:base` fix-up is not implemented: `xml:base` is not inherited.

use crate::xml::{Element, NodeId, NodeRef, ns};

/// Which canonicalisation algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`
    Inclusive10,
    /// `http://www.w3.org/2006/12/xml-c14n11`
    Inclusive11,
    /// `http://www.w3.org/2001/10/xml-exc-c14n#`
    Exclusive,
}

/// An algorithm with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub algorithm: Algorithm,
    pub with_comments: bool,
    /// Prefixes treated inclusively by exclusive canonicalisation; `#default` is the default
    /// namespace. Ignored by the inclusive algorithms.
    pub inclusive_prefixes: Vec<String>,
}

impl Method {
    pub const EXC: &'static str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const EXC_COMMENTS: &'static str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
    pub const C14N10: &'static str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    pub const C14N10_COMMENTS: &'static str =
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    pub const C14N11: &'static str = "http://www.w3.org/2006/12/xml-c14n11";
    pub const C14N11_COMMENTS: &'static str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";

    /// The method named by an algorithm URI, or `None` when the URI is not a canonicalisation.
    pub fn from_uri(uri: &str) -> Option<Method> {
        let (algorithm, with_comments) = match uri {
            Self::EXC => (Algorithm::Exclusive, false),
            Self::EXC_COMMENTS => (Algorithm::Exclusive, true),
            Self::C14N10 => (Algorithm::Inclusive10, false),
            Self::C14N10_COMMENTS => (Algorithm::Inclusive10, true),
            Self::C14N11 => (Algorithm::Inclusive11, false),
            Self::C14N11_COMMENTS => (Algorithm::Inclusive11, true),
            _ => return None,
        };
        Some(Method {
            algorithm,
            with_comments,
            inclusive_prefixes: Vec::new(),
        })
    }

    /// Exclusive canonicalisation without comments and without inclusive prefixes.
    pub fn exclusive() -> Method {
        Method {
            algorithm: Algorithm::Exclusive,
            with_comments: false,
            inclusive_prefixes: Vec::new(),
        }
    }
}

/// Canonicalises the subtree of `apex`, leaving out the subtree of `exclude` when given.
pub fn canonicalize(apex: Element<'_>, method: &Method, exclude: Option<Element<'_>>) -> String {
    let mut c = Canon {
        out: String::with_capacity(apex.span().len() + apex.span().len() / 4),
        method,
        exclude: exclude.map(|e| e.id()),
        scope: Vec::new(),
        rendered: Vec::new(),
        attrs: Vec::new(),
    };
    for a in apex.ancestors().collect::<Vec<_>>().into_iter().rev() {
        c.scope.extend(a.ns_decls().map(|d| (d.prefix, d.uri)));
    }
    c.element(apex, true);
    c.out
}

type Binding<'d> = (Option<&'d str>, &'d str);
/// An attribute as canonical order sorts it: namespace URI, local name, then prefix and value.
type AttrKey<'d> = (&'d str, &'d str, Option<&'d str>, &'d str);

struct Canon<'m, 'd> {
    out: String,
    method: &'m Method,
    exclude: Option<NodeId>,
    /// Namespace declarations in scope, outermost first; the last one for a prefix wins.
    scope: Vec<Binding<'d>>,
    /// Namespace nodes rendered by output ancestors, outermost first.
    rendered: Vec<Binding<'d>>,
    /// Scratch for one element's attributes.
    attrs: Vec<AttrKey<'d>>,
}

fn lookup<'d>(stack: &[Binding<'d>], prefix: Option<&str>) -> Option<&'d str> {
    stack
        .iter()
        .rev()
        .find(|(p, _)| *p == prefix)
        .map(|(_, u)| *u)
}

impl<'d> Canon<'_, 'd> {
    fn element(&mut self, e: Element<'d>, apex: bool) {
        let scope_len = self.scope.len();
        let parent_scope_len = scope_len;
        self.scope.extend(e.ns_decls().map(|d| (d.prefix, d.uri)));
        let mut decls = match self.method.algorithm {
            Algorithm::Exclusive => self.exclusive_decls(e),
            _ => self.inclusive_decls(e, apex, parent_scope_len),
        };
        decls.sort_by(|a, b| a.0.unwrap_or("").cmp(b.0.unwrap_or("")));
        let rendered_len = self.rendered.len();
        self.out.push('<');
        self.push_qname(e);
        for &(prefix, uri) in &decls {
            match prefix {
                Some(p) => {
                    self.out.push_str(" xmlns:");
                    self.out.push_str(p);
                }
                None => self.out.push_str(" xmlns"),
            }
            self.out.push_str("=\"");
            escape_attr(&mut self.out, uri);
            self.out.push('"');
        }
        self.rendered.extend(decls);
        self.attributes(e, apex);
        self.out.push('>');
        self.children(e);
        self.out.push_str("</");
        self.push_qname(e);
        self.out.push('>');
        self.rendered.truncate(rendered_len);
        self.scope.truncate(scope_len);
    }

    /// The element's name as written (`saml2:Assertion`), straight into the output.
    fn push_qname(&mut self, e: Element<'d>) {
        if let Some(p) = e.prefix() {
            self.out.push_str(p);
            self.out.push(':');
        }
        self.out.push_str(e.local_name());
    }

    fn children(&mut self, e: Element<'d>) {
        for child in e.children() {
            match child {
                NodeRef::Element(c) => {
                    if Some(c.id()) != self.exclude {
                        self.element(c, false);
                    }
                }
                NodeRef::Text(t) => escape_text(&mut self.out, t),
                NodeRef::Comment(c) => {
                    if self.method.with_comments {
                        self.out.push_str("<!--");
                        self.out.push_str(c);
                        self.out.push_str("-->");
                    }
                }
                NodeRef::Pi { target, data } => {
                    self.out.push_str("<?");
                    self.out.push_str(target);
                    if !data.is_empty() {
                        self.out.push(' ');
                        self.out.push_str(data);
                    }
                    self.out.push_str("?>");
                }
            }
        }
    }

    /// Exclusive C14N: the namespaces the element or its attributes visibly use, plus the
    /// inclusive prefixes in scope, unless an output ancestor already rendered the same binding.
    fn exclusive_decls(&self, e: Element<'d>) -> Vec<Binding<'d>> {
        let visible =
            std::iter::once(e.prefix()).chain(e.attributes().filter_map(|a| a.prefix.map(Some)));
        let inclusive = self.method.inclusive_prefixes.iter().filter_map(|p| {
            let prefix = if p == "#default" {
                None
            } else {
                Some(p.as_str())
            };
            self.scope
                .iter()
                .rev()
                .find(|(q, _)| *q == prefix)
                .map(|bound| bound.0)
        });
        let mut out: Vec<Binding<'d>> = Vec::new();
        for prefix in visible.chain(inclusive) {
            if prefix == Some("xml") || out.iter().any(|(p, _)| *p == prefix) {
                continue;
            }
            let uri = lookup(&self.scope, prefix).unwrap_or("");
            if self.needs_render(prefix, uri) {
                out.push((prefix, uri));
            }
        }
        out
    }

    fn needs_render(&self, prefix: Option<&str>, uri: &str) -> bool {
        let rendered = lookup(&self.rendered, prefix);
        if uri.is_empty() {
            // Only the default namespace can be empty: undeclare it when an ancestor set it.
            return prefix.is_none() && rendered.is_some_and(|r| !r.is_empty());
        }
        rendered != Some(uri)
    }

    /// Inclusive C14N: at the apex every namespace in scope; below it, the declarations that
    /// change a binding of the (always output) parent.
    fn inclusive_decls(
        &self,
        e: Element<'d>,
        apex: bool,
        parent_scope_len: usize,
    ) -> Vec<Binding<'d>> {
        if apex {
            let mut all: Vec<Binding<'d>> = Vec::new();
            for &(p, u) in self.scope.iter().rev() {
                if !all.iter().any(|(q, _)| *q == p) {
                    all.push((p, u));
                }
            }
            all.retain(|(p, u)| !u.is_empty() && *p != Some("xml"));
            return all;
        }
        let parent = &self.scope[..parent_scope_len];
        let mut out: Vec<Binding<'d>> = Vec::new();
        for d in e.ns_decls() {
            if d.prefix == Some("xml") || out.iter().any(|(p, _)| *p == d.prefix) {
                continue;
            }
            // The last declaration of a prefix on one element wins (duplicates are refused by the
            // parser anyway).
            let before = lookup(parent, d.prefix).unwrap_or("");
            if before != d.uri {
                out.push((d.prefix, d.uri));
            }
        }
        out
    }

    fn attributes(&mut self, e: Element<'d>, apex: bool) {
        // One buffer for every element: it is free again before the children are rendered.
        let mut attrs = std::mem::take(&mut self.attrs);
        attrs.clear();
        attrs.extend(
            e.attributes()
                .map(|a| (a.ns.unwrap_or(""), a.local, a.prefix, a.value)),
        );
        if apex && self.method.algorithm != Algorithm::Exclusive {
            self.inherit_xml_attributes(e, &mut attrs);
        }
        attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for &(_, local, prefix, value) in &attrs {
            self.out.push(' ');
            if let Some(p) = prefix {
                self.out.push_str(p);
                self.out.push(':');
            }
            self.out.push_str(local);
            self.out.push_str("=\"");
            escape_attr(&mut self.out, value);
            self.out.push('"');
        }
        self.attrs = attrs;
    }

    /// Inclusive C14N of a subtree carries the `xml:` attributes of the apex's ancestors (1.1:
    /// only `xml:lang` and `xml:space`), nearest first, unless the apex has its own.
    fn inherit_xml_attributes(&self, e: Element<'d>, attrs: &mut Vec<AttrKey<'d>>) {
        for anc in e.ancestors() {
            for a in anc.attributes().filter(|a| a.ns == Some(ns::XML)) {
                let allowed = match self.method.algorithm {
                    Algorithm::Inclusive11 => matches!(a.local, "lang" | "space"),
                    _ => true,
                };
                let present = attrs.iter().any(|x| x.0 == ns::XML && x.1 == a.local);
                if allowed && !present {
                    attrs.push((ns::XML, a.local, a.prefix, a.value));
                }
            }
        }
    }
}

fn escape_text(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#xD;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

fn escape_attr(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'"' => "&quot;",
            b'\t' => "&#x9;",
            b'\n' => "&#xA;",
            b'\r' => "&#xD;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn doc(s: &str) -> Document {
        Document::parse(s.to_owned()).unwrap()
    }

    fn find<'d>(d: &'d Document, local: &str) -> Element<'d> {
        d.elements().find(|e| e.local_name() == local).unwrap()
    }

    fn method(uri: &str) -> Method {
        Method::from_uri(uri).unwrap()
    }

    // Exclusive XML Canonicalization 1.0, section 2.2: the same subtree under both algorithms.
    const EXC_SPEC: &str = "<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\">\n   \
        <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n       \
        <n3:stuff xmlns:n3=\"ftp://example.org\"/>\n   </n1:elem2>\n</n0:local>";

    #[test]
    fn exclusive_spec_example_renders_only_utilised_namespaces() {
        let d = doc(EXC_SPEC);
        let got = canonicalize(find(&d, "elem2"), &Method::exclusive(), None);
        assert_eq!(
            got,
            "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n       \
             <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n   </n1:elem2>"
        );
    }

    #[test]
    fn inclusive_spec_example_renders_every_namespace_in_scope() {
        let d = doc(EXC_SPEC);
        let got = canonicalize(find(&d, "elem2"), &method(Method::C14N10), None);
        assert_eq!(
            got,
            "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" \
             xmlns:n3=\"ftp://example.org\" xml:lang=\"en\">\n       \
             <n3:stuff></n3:stuff>\n   </n1:elem2>"
        );
    }

    // Canonical XML 1.0, example 3.2 (whitespace in document content), without its DOCTYPE.
    #[test]
    fn c14n_spec_whitespace_example_keeps_content_whitespace() {
        let input = "<doc>\n   <clean>   </clean>\n   <dirty>   A   B   </dirty>\n   <mixed>\n      A\n      <clean>   </clean>\n      B\n      <dirty>   A   B   </dirty>\n      C\n   </mixed>\n</doc>";
        let d = doc(input);
        assert_eq!(canonicalize(d.root(), &method(Method::C14N10), None), input);
    }

    // Canonical XML 1.0, example 3.4 (character modifications), the parts that need no DTD.
    #[test]
    fn c14n_spec_character_example_escapes_and_normalises() {
        let d = doc(concat!(
            "<doc>\n",
            "   <text>First line&#x0d;&#10;Second line</text>\n",
            "   <value>&#x32;</value>\n",
            "   <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n",
            "   <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n",
            "   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n",
            "</doc>"
        ));
        let want = concat!(
            "<doc>\n",
            "   <text>First line&#xD;\nSecond line</text>\n",
            "   <value>2</value>\n",
            "   <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n",
            "   <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n",
            "   <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n",
            "</doc>"
        );
        assert_eq!(canonicalize(d.root(), &method(Method::C14N10), None), want);
    }

    // Canonical XML 1.0, example 3.3 (start and end tags), without the DTD's default attributes.
    #[test]
    fn c14n_spec_tags_example_sorts_namespaces_and_attributes() {
        let d = doc(concat!(
            "<doc>\n",
            "   <e1   />\n",
            "   <e2   ></e2>\n",
            "   <e3   name = \"elem3\"   id=\"elem3\"   />\n",
            "   <e4   name=\"elem4\"   id=\"elem4\"   ></e4>\n",
            "   <e5 a:attr=\"out\" b:attr=\"sorted\" attr2=\"all\" attr=\"I'm\"\n",
            "      xmlns:b=\"http://www.ietf.org\"\n",
            "      xmlns:a=\"http://www.w3.org\"\n",
            "      xmlns=\"http://example.org\"/>\n",
            "   <e6 xmlns=\"\" xmlns:a=\"http://www.w3.org\">\n",
            "      <e7 xmlns=\"http://www.ietf.org\">\n",
            "         <e8 xmlns=\"\" xmlns:a=\"http://www.w3.org\">\n",
            "            <e9 xmlns=\"\" xmlns:a=\"http://www.ietf.org\"/>\n",
            "         </e8>\n",
            "      </e7>\n",
            "   </e6>\n",
            "</doc>"
        ));
        let want = concat!(
            "<doc>\n",
            "   <e1></e1>\n",
            "   <e2></e2>\n",
            "   <e3 id=\"elem3\" name=\"elem3\"></e3>\n",
            "   <e4 id=\"elem4\" name=\"elem4\"></e4>\n",
            "   <e5 xmlns=\"http://example.org\" xmlns:a=\"http://www.w3.org\" xmlns:b=\"http://www.ietf.org\" attr=\"I'm\" attr2=\"all\" b:attr=\"sorted\" a:attr=\"out\"></e5>\n",
            "   <e6 xmlns:a=\"http://www.w3.org\">\n",
            "      <e7 xmlns=\"http://www.ietf.org\">\n",
            "         <e8 xmlns=\"\">\n",
            "            <e9 xmlns:a=\"http://www.ietf.org\"></e9>\n",
            "         </e8>\n",
            "      </e7>\n",
            "   </e6>\n",
            "</doc>"
        );
        assert_eq!(canonicalize(d.root(), &method(Method::C14N10), None), want);
    }

    #[test]
    fn exclusive_takes_prefixes_from_ancestors_and_drops_unused_ones() {
        let d = doc(
            "<samlp:Response xmlns:samlp=\"urn:p\" xmlns:saml=\"urn:a\" ID=\"r\">\
             <saml:Assertion ID=\"a\"><saml:Issuer>x</saml:Issuer></saml:Assertion></samlp:Response>",
        );
        let got = canonicalize(find(&d, "Assertion"), &Method::exclusive(), None);
        assert_eq!(
            got,
            "<saml:Assertion xmlns:saml=\"urn:a\" ID=\"a\"><saml:Issuer>x</saml:Issuer></saml:Assertion>"
        );
    }

    #[test]
    fn exclusive_default_namespace_is_undeclared_when_needed() {
        let d = doc("<a xmlns=\"urn:x\"><b xmlns=\"\"><c/></b></a>");
        assert_eq!(
            canonicalize(d.root(), &Method::exclusive(), None),
            "<a xmlns=\"urn:x\"><b xmlns=\"\"><c></c></b></a>"
        );
        // At the apex nothing was rendered yet, so no xmlns="" is needed.
        let b = find(&d, "b");
        assert_eq!(
            canonicalize(b, &Method::exclusive(), None),
            "<b><c></c></b>"
        );
    }

    #[test]
    fn exclusive_inclusive_prefix_list_is_honoured() {
        let d = doc(
            "<r xmlns:xs=\"urn:xs\" xmlns:xsi=\"urn:xsi\" xmlns=\"urn:d\"><v xsi:type=\"xs:string\">1</v></r>",
        );
        let mut m = Method::exclusive();
        let v = find(&d, "v");
        assert_eq!(
            canonicalize(v, &m, None),
            "<v xmlns=\"urn:d\" xmlns:xsi=\"urn:xsi\" xsi:type=\"xs:string\">1</v>"
        );
        m.inclusive_prefixes = vec!["xs".into(), "#default".into(), "unbound".into()];
        assert_eq!(
            canonicalize(v, &m, None),
            "<v xmlns=\"urn:d\" xmlns:xs=\"urn:xs\" xmlns:xsi=\"urn:xsi\" xsi:type=\"xs:string\">1</v>"
        );
    }

    #[test]
    fn shadowed_prefix_is_redeclared() {
        let d = doc(
            "<p:a xmlns:p=\"urn:1\"><p:b xmlns:p=\"urn:2\"><p:c xmlns:p=\"urn:2\"/></p:b></p:a>",
        );
        assert_eq!(
            canonicalize(d.root(), &Method::exclusive(), None),
            "<p:a xmlns:p=\"urn:1\"><p:b xmlns:p=\"urn:2\"><p:c></p:c></p:b></p:a>"
        );
        assert_eq!(
            canonicalize(d.root(), &method(Method::C14N10), None),
            "<p:a xmlns:p=\"urn:1\"><p:b xmlns:p=\"urn:2\"><p:c></p:c></p:b></p:a>"
        );
    }

    #[test]
    fn comments_and_excluded_subtree() {
        let d = doc("<a><!--c--><?pi  x?><s><t/></s>v<?q?></a>");
        let s = find(&d, "s");
        let without = canonicalize(d.root(), &Method::exclusive(), Some(s));
        assert_eq!(without, "<a><?pi x?>v<?q?></a>");
        let with = canonicalize(d.root(), &method(Method::EXC_COMMENTS), None);
        assert_eq!(with, "<a><!--c--><?pi x?><s><t></t></s>v<?q?></a>");
    }

    #[test]
    fn inclusive_subtree_inherits_xml_attributes_but_exclusive_does_not() {
        let d = doc(
            "<a xml:lang=\"en\" xml:space=\"preserve\" xml:base=\"http://b/\"><b xml:lang=\"fr\"/></a>",
        );
        let b = find(&d, "b");
        assert_eq!(
            canonicalize(b, &method(Method::C14N10), None),
            "<b xml:base=\"http://b/\" xml:lang=\"fr\" xml:space=\"preserve\"></b>"
        );
        assert_eq!(
            canonicalize(b, &method(Method::C14N11), None),
            "<b xml:lang=\"fr\" xml:space=\"preserve\"></b>"
        );
        assert_eq!(
            canonicalize(b, &Method::exclusive(), None),
            "<b xml:lang=\"fr\"></b>"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Random elements over a few prefixes, URIs, attributes and awkward text.
        fn element(depth: u32) -> BoxedStrategy<String> {
            let prefix = prop::sample::select(vec!["", "a:", "b:"]);
            let decl = prop::sample::select(vec![
                "",
                " xmlns=\"urn:d\"",
                " xmlns=\"\"",
                " xmlns:a=\"urn:a\"",
                " xmlns:a=\"urn:a2\" xmlns:b=\"urn:b\"",
            ]);
            let attr = prop::sample::select(vec![
                "",
                " z=\"1\"",
                " a:y=\"&#9;&amp;\" x=\"\"",
                " b:x=\"&lt;\"",
            ]);
            let text = prop::sample::select(vec![
                "",
                "t",
                " &amp; ",
                "&#13;\n",
                "<![CDATA[<&>]]>",
                "<!--c-->",
                "<?p d?>",
            ]);
            let leaf = (prefix.clone(), decl.clone(), attr.clone(), text.clone())
                .prop_map(|(p, d, a, t)| format!("<{p}e{d}{a}>{t}</{p}e>"));
            if depth == 0 {
                return leaf.boxed();
            }
            (
                prefix,
                decl,
                attr,
                prop::collection::vec(element(depth - 1), 0..3),
                text,
            )
                .prop_map(|(p, d, a, kids, t)| format!("<{p}e{d}{a}>{t}{}</{p}e>", kids.concat()))
                .boxed()
        }

        fn root() -> impl Strategy<Value = String> {
            element(3).prop_map(|e| {
                format!("<r xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" xml:lang=\"en\">{e}</r>")
            })
        }

        proptest! {
            #[test]
            fn canonical_form_is_a_fixed_point(doc_text in root(), exclusive in any::<bool>()) {
                let Ok(d) = Document::parse(doc_text) else { return Ok(()) };
                let m = if exclusive { Method::exclusive() } else { method(Method::C14N10_COMMENTS) };
                let once = canonicalize(d.root(), &m, None);
                let again = Document::parse(once.clone()).expect("canonical XML parses");
                prop_assert_eq!(canonicalize(again.root(), &m, None), once);
            }

            #[test]
            fn subtrees_canonicalise_as_if_standalone(doc_text in root()) {
                let Ok(d) = Document::parse(doc_text) else { return Ok(()) };
                for e in d.root().descendants().take(6) {
                    let alone = canonicalize(e, &Method::exclusive(), None);
                    let reparsed = Document::parse(alone.clone()).expect("a subtree's form parses");
                    prop_assert_eq!(canonicalize(reparsed.root(), &Method::exclusive(), None), alone);
                }
            }
        }
    }

    #[test]
    fn unknown_uri_is_not_a_method() {
        assert!(Method::from_uri("http://www.w3.org/TR/1999/REC-xpath-19991116").is_none());
        assert_eq!(
            Method::from_uri(Method::C14N11_COMMENTS).map(|m| m.with_comments),
            Some(true)
        );
    }
}
