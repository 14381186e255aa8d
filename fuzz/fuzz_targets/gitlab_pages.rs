//! Bytes as GitLab's answers: a SCIM ListResponse page (with the pager deciding what to ask
//! next), a REST identity or member list, and a `saml_users` list. Nothing may panic, a page
//! never holds more resources than were asked for, and the pager's requests stay bounded by
//! the data it received, whatever `totalResults` says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::scim::paging::{self, ScimPaging};

const WINDOW: usize = 4;

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = paging::read_page(data, 100) {
        assert!(page.resources.len() <= 100);
    }
    let _ = paging::parse_rest_records(data, 1000);
    let _ = paging::parse_saml_users(data, 33, true);

    // The same bytes cut at 0xFF into a sequence of pages, answered in the order asked.
    let mut pager = ScimPaging::new(WINDOW);
    let mut queue = std::collections::VecDeque::from([pager.first()]);
    let mut asked = 1usize;
    for chunk in data.split(|&b| b == 0xff) {
        let Some(start) = queue.pop_front() else { break };
        let Ok(page) = paging::read_page(chunk, 100) else { break };
        match pager.accept(start, page) {
            Ok(next) => {
                asked += next.len();
                queue.extend(next);
            }
            Err(_) => break,
        }
        assert!(
            asked <= WINDOW * (pager.fetched() + 1) + 1,
            "{asked} requests for {} identities",
            pager.fetched()
        );
    }
    let _ = pager.finish();
});
