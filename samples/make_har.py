#!/usr/bin/env python3
"""Regenerates the HAR and SAML-tracer samples in this folder. See README.md for what each file is.

Standard library only; run from anywhere: `python3 samples/make_har.py`. The messages are the
existing decode samples' (okta-email.b64, google.xml, authn-request-redirect.url,
logout-request.xml), read from their files, so the HARs carry exactly the messages the decode
tests know. Output is deterministic. Every cookie, token and password in them is a made-up
marker (`SECRET-…`) that the sanitiser tests look for.
"""
import base64
import json
import os
import urllib.parse
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "https://gitlab.com/groups/acme"
ACS = GROUP + "/-/saml/callback"
IDP = "https://login.example.com/app/gitlab/sso/saml"
RELAY = "/acme/platform"
REQ_ID = "_a8b2f4e0c1d94e6f9b3a7c5d2e1f0a9b"
RETRY_ID = "_b71c0e5d9a2f4c3e8d6b1a0f9e8d7c6b"
PNG = base64.b64encode(bytes(range(256)) * 4).decode()
JS = "window.samlHelp = 'Paste your SAMLResponse here'; var a = 1;" * 20


def read(name):
    with open(os.path.join(HERE, name)) as f:
        return f.read()


def deflate64(xml):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(c.compress(xml.encode()) + c.flush()).decode()


def inflate64(b64):
    return zlib.decompress(base64.b64decode(b64), -15).decode()


def query_of(url):
    return [{"name": k, "value": v} for k, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)]


def form_page(b64):
    return ("<!DOCTYPE html>\n<html><body onload=\"document.forms[0].submit()\">\n"
            f"<form method=\"post\" action=\"{ACS}\">\n"
            f"<input type=\"hidden\" name=\"SAMLResponse\" value=\"{b64}\"/>\n"
            f"<input type=\"hidden\" name=\"RelayState\" value=\"{RELAY}\"/>\n"
            "</form></body></html>\n")


# --- Chrome ("Save all as HAR with content"): private fields first, keys in Chrome's order ---

def chrome_entry(t, method, url, status, *, req_headers=(), post=None, mime="text/html", text="",
                 encoding=None, location="", cookies=(), set_cookie=None):
    headers = [{"name": ":authority", "value": urllib.parse.urlsplit(url).netloc},
               {"name": "user-agent", "value": "Mozilla/5.0 Chrome/131.0.0.0"}] + list(req_headers)
    request = {"method": method, "url": url, "httpVersion": "http/2.0", "headers": headers,
               "queryString": query_of(url), "cookies": list(cookies), "headersSize": -1,
               "bodySize": len(post["text"]) if post else 0}
    if post:
        request["postData"] = post
    resp_headers = [{"name": "content-type", "value": mime}]
    if location:
        resp_headers.append({"name": "location", "value": location})
    if set_cookie:
        resp_headers.append({"name": "set-cookie", "value": set_cookie})
    content = {"size": len(text), "mimeType": mime}
    if text:
        content["text"] = text
    if encoding:
        content["encoding"] = encoding
    return {
        "_initiator": {"type": "other"}, "_priority": "VeryHigh", "_resourceType": "document",
        "cache": {}, "connection": "443", "pageref": "page_1", "request": request,
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0",
                     "headers": resp_headers, "cookies": [], "content": content,
                     "redirectURL": location, "headersSize": -1, "bodySize": -1,
                     "_transferSize": 1000, "_error": None},
        "serverIPAddress": "203.0.113.10", "startedDateTime": t, "time": 42.5,
        "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 40,
                    "receive": 1.5},
    }


def chrome():
    redirect = read("authn-request-redirect.url").strip()
    okta = read("okta-email.b64").strip()
    logout = deflate64(read("logout-request.xml"))
    logout_url = IDP.replace("/sso/", "/slo/") + "?" + urllib.parse.urlencode(
        {"SAMLRequest": logout, "RelayState": "/"})
    session = {"name": "_gitlab_session", "value": "SECRET-gitlab-session-1"}
    body = urllib.parse.urlencode({"SAMLResponse": okta, "RelayState": RELAY})
    login = "username=alice%40example.com&password=SECRET-password-2&authenticity_token=SECRET-csrf-3"
    entries = [
        chrome_entry("2026-11-02T08:59:58.100Z", "GET", GROUP + "/-/saml/sso?token=SECRET-token-4", 302,
                     location=redirect, cookies=[session],
                     req_headers=[{"name": "cookie", "value": "_gitlab_session=SECRET-gitlab-session-1"}]),
        chrome_entry("2026-11-02T08:59:58.350Z", "GET", redirect, 200, text="<html>sign in</html>",
                     req_headers=[{"name": "referer", "value": GROUP + "/-/saml/sso?token=SECRET-token-4"}]),
        chrome_entry("2026-11-02T08:59:58.400Z", "GET", "https://login.example.com/logo.png", 200,
                     mime="image/png", text=PNG, encoding="base64"),
        chrome_entry("2026-11-02T09:00:00.000Z", "POST", "https://login.example.com/login", 200,
                     post={"mimeType": "application/x-www-form-urlencoded", "text": login,
                           "params": [{"name": k, "value": v} for k, v in
                                      (p.split("=", 1) for p in login.split("&"))]},
                     text=form_page(okta), set_cookie="idp_sid=SECRET-idp-session-5; HttpOnly",
                     req_headers=[{"name": "authorization", "value": "Basic SECRET-basic-auth-6"},
                                  {"name": "x-csrf-token", "value": "SECRET-csrf-7"}]),
        chrome_entry("2026-11-02T09:00:00.900Z", "POST", ACS, 302,
                     post={"mimeType": "application/x-www-form-urlencoded", "text": body,
                           "params": [{"name": "SAMLResponse", "value": urllib.parse.quote(okta, safe="")},
                                      {"name": "RelayState", "value": urllib.parse.quote(RELAY, safe="")}]},
                     location="https://gitlab.com" + RELAY, cookies=[session]),
        chrome_entry("2026-11-02T09:00:01.200Z", "GET", "https://gitlab.com/assets/application.js", 200,
                     mime="application/javascript", text=JS),
        chrome_entry("2026-11-02T17:30:00.000Z", "GET", "https://gitlab.com/users/sign_out", 302,
                     location=logout_url,
                     req_headers=[{"name": "cookie", "value": "_gitlab_session=SECRET-gitlab-session-1"}]),
    ]
    return {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                    "pages": [{"startedDateTime": "2026-11-02T08:59:58.000Z", "id": "page_1",
                               "title": GROUP + "/-/saml/sso?token=SECRET-token-4", "pageTimings": {}}],
                    "entries": entries}}


# --- Firefox ("Save All As HAR"): decoded form params, base64 bodies, a relative Location ---

def firefox_entry(t, method, url, status, *, post=None, mime="text/html", text="", encoding=None,
                  location="", redirect_url=None):
    request = {"bodySize": 0, "method": method, "url": url, "httpVersion": "HTTP/2",
               "headers": [{"name": "Host", "value": urllib.parse.urlsplit(url).netloc},
                           {"name": "Cookie", "value": "_gitlab_session=SECRET-firefox-cookie-8"}],
               "cookies": [{"name": "_gitlab_session", "value": "SECRET-firefox-cookie-8"}],
               "queryString": query_of(url), "headersSize": 400}
    if post:
        request["postData"] = post
    headers = [{"name": "content-type", "value": mime}]
    if location:
        headers.append({"name": "Location", "value": location})
    content = {"mimeType": mime, "size": len(text)}
    if encoding:
        content["encoding"] = encoding
    content["text"] = text
    return {"pageref": "page_1", "startedDateTime": t,
            "request": request,
            "response": {"status": status, "statusText": "OK", "httpVersion": "HTTP/2",
                         "headers": headers, "cookies": [], "content": content,
                         "redirectURL": location if redirect_url is None else redirect_url,
                         "headersSize": 300, "bodySize": len(text)},
            "cache": {}, "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0,
                                     "wait": 30, "receive": 1},
            "time": 31, "_securityState": "secure", "serverIPAddress": "203.0.113.20",
            "connection": "443"}


def firefox():
    redirect = read("authn-request-redirect.url").strip()
    retry_xml = inflate64(urllib.parse.parse_qs(urllib.parse.urlsplit(redirect).query)["SAMLRequest"][0])
    retry_xml = retry_xml.replace(REQ_ID, RETRY_ID).replace("08:59:58Z", "09:00:20Z")
    retry = "/app/gitlab/sso/saml?" + urllib.parse.urlencode({"SAMLRequest": deflate64(retry_xml),
                                                              "RelayState": RELAY})
    google = base64.b64encode(read("google.xml").encode()).decode()
    page = base64.b64encode(form_page(google).encode()).decode()
    body = urllib.parse.urlencode({"SAMLResponse": google, "RelayState": RELAY})
    entries = [
        firefox_entry("2026-11-02T08:59:58.000+00:00", "GET", GROUP + "/-/saml/sso", 302, location=redirect),
        firefox_entry("2026-11-02T08:59:58.300+00:00", "GET", redirect, 200, text="<html>sign in</html>"),
        firefox_entry("2026-11-02T09:00:20.000+00:00", "GET", "https://login.example.com/app/gitlab/retry",
                      302, location=retry, redirect_url=""),
        firefox_entry("2026-11-02T09:00:30.000+00:00", "GET", "https://login.example.com/app/gitlab/done",
                      200, text=page, encoding="base64"),
        firefox_entry("2026-11-02T09:00:30.500+00:00", "POST", ACS, 302, location="https://gitlab.com" + RELAY,
                      post={"mimeType": "application/x-www-form-urlencoded",
                            "params": [{"name": "SAMLResponse", "value": google},
                                       {"name": "RelayState", "value": RELAY}],
                            "text": body}),
    ]
    return {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "133.0"},
                    "browser": {"name": "Firefox", "version": "133.0"},
                    "pages": [{"startedDateTime": "2026-11-02T08:59:58.000+00:00", "id": "page_1",
                               "title": "GitLab", "pageTimings": {"onContentLoad": 100, "onLoad": 200}}],
                    "entries": entries}}


# --- SAML-tracer exports: the current format (masked POST values) and the legacy one ---

def tracer():
    redirect = read("authn-request-redirect.url").strip()
    request_xml = inflate64(urllib.parse.parse_qs(urllib.parse.urlsplit(redirect).query)["SAMLRequest"][0])
    okta_xml = base64.b64decode(read("okta-email.b64")).decode()
    date = [{"name": "date", "value": "Mon, 02 Nov 2026 09:00:00 GMT"}]
    return {"requests": [
        {"method": "GET", "url": redirect, "requestId": "request-101-GET-1a2b",
         "requestHeaders": [{"name": "Host", "value": "login.example.com"}],
         "get": [[k, v] for k, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect).query)],
         "protocol": "SAML-P", "saml": request_xml, "responseStatus": 200,
         "responseStatusText": "HTTP/1.1 200 OK", "responseHeaders": date},
        {"method": "POST", "url": ACS, "requestId": "request-102-POST-3c4d",
         "requestHeaders": [{"name": "Cookie", "value": "{hash:9f86d081884c7d65}"}],
         "post": [["SAMLResponse", "{hash:4e07408562bedb8b}"], ["RelayState", "{hash:0b3ae1f5f5c8e0aa}"]],
         "postData": "{overwritten}", "protocol": "SAML-P", "saml": okta_xml, "responseStatus": 302,
         "responseStatusText": "HTTP/1.1 302 Found",
         "responseHeaders": [{"name": "date", "value": "Mon, 02 Nov 2026 09:00:01 GMT"}]},
        {"method": "POST", "url": ACS, "requestId": "request-103-POST-5e6f",
         "requestHeaders": [], "post": [["SAMLResponse", "{obf:alternative_0}"]],
         "postData": "{overwritten}", "protocol": "SAML-P", "responseStatus": 302,
         "responseStatusText": "HTTP/1.1 302 Found", "responseHeaders": []},
    ], "timestamp": "2026-11-02T09:05:00.000Z"}


def tracer_legacy():
    okta = read("okta-email.b64").strip()
    return {"requests": [
        {"method": "POST", "url": ACS, "id": 7,
         "requestHeaders": [["Host", "gitlab.com"], ["Content-Type", "application/x-www-form-urlencoded"]],
         "responseStatus": 302, "responseStatusText": "HTTP/1.1 302 Found",
         "responseHeaders": [["Date", "Mon, 02 Nov 2026 09:00:01 GMT"]],
         # The legacy exporter replaced only the first '+' with a space.
         "post": [["SAMLResponse", okta.replace("+", " ", 1)], ["RelayState", RELAY]]},
    ], "timestamp": 1793610005000}


def write_json(name, value):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def main():
    write_json("har-chrome.har", chrome())
    write_json("har-firefox.har", firefox())
    write_json("saml-tracer.json", tracer())
    write_json("saml-tracer-legacy.json", tracer_legacy())
    whole = json.dumps(chrome(), indent=2)
    # An export cut off inside the entry after the ACS POST (a crashed or interrupted save).
    cut = whole.index('"https://gitlab.com/assets/application.js"')
    with open(os.path.join(HERE, "har-truncated.har"), "w", newline="") as f:
        f.write(whole[:cut + 20])
    # One entry (the logo) made invalid JSON; the rest is intact.
    broken = whole.replace('"_transferSize": 1000', '"_transferSize": 1000 1000', 3)
    broken = broken.replace('"_transferSize": 1000 1000', '"_transferSize": 1000', 2)
    with open(os.path.join(HERE, "har-broken-entry.har"), "w", newline="") as f:
        f.write(broken)


if __name__ == "__main__":
    main()
