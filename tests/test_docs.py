#!/usr/bin/python3
# test_docs.py: the manual as gi-docgen renders it (built with
# -Ddocumentation=true; skipped otherwise). A zone's "%25" survives the
# gtk-doc "%CONSTANT" sigil, no page links to a made-up address, the class
# pages of Context, Message and Resource carry a C example, and the
# overview says what the library does not do yet.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import glob
import html
import os
import re
import unittest

BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
DOC = os.path.join(BUILD, 'doc', 'coap-udp6-1.0')


def page(name):
    with open(os.path.join(DOC, name), encoding='utf-8') as f:
        return f.read()


def text(name):
    """A page's text without tags, entities decoded."""
    return html.unescape(re.sub(r'<[^>]*>', '', page(name)))


@unittest.skipUnless(os.path.isdir(DOC), 'built without -Ddocumentation=true')
class RenderedDocs(unittest.TestCase):
    def assertIn(self, member, container, msg=None):
        # Name the text only: a whole page in the failure says nothing.
        self.assertTrue(member in container, msg or 'missing: %r' % member)

    def assertNotIn(self, member, container, msg=None):
        self.assertFalse(member in container, msg or 'present: %r' % member)

    def test_percent_25_kept(self):
        got = text('getting-started.html')
        self.assertIn('coap://[fe80::1%25eth0]/hello', got)
        self.assertIn('the % before a zone percent-encoded', got)
        got = text('method.Context.add_resource.html')
        self.assertIn('100%25 the segment 100%', got)
        for name in glob.glob(os.path.join(DOC, '*.html')):
            with self.subTest(page=os.path.basename(name)):
                # What the sigil leaves of "`%25`": a code span "25".
                self.assertNotIn('<code>25</code>',
                                 page(os.path.basename(name)))

    def test_no_made_up_addresses(self):
        for name in glob.glob(os.path.join(DOC, '*.html')):
            with self.subTest(page=os.path.basename(name)):
                self.assertNotIn('example.invalid',
                                 page(os.path.basename(name)))

    def test_class_examples(self):
        for name, call in (('class.Context.html',
                            'coap_udp6_context_request_async (context, request'),
                           ('class.Message.html',
                            'coap_udp6_message_encode (request'),
                           ('class.Resource.html',
                            'coap_udp6_resource_set_method_handler (hello')):
            with self.subTest(page=name):
                self.assertIn('class="codehilite"', page(name))
                self.assertIn(call, re.sub(r'\s+', ' ', text(name)))

    def test_what_it_does_not_do(self):
        got = text('overview.html')
        self.assertIn('What it does not do (yet)', got)

    def test_installed_typelib(self):
        got = text('getting-started.html')
        self.assertIn('GI_TYPELIB_PATH=/usr/local/lib/x86_64-linux-gnu/'
                      'girepository-1.0', got)


if __name__ == '__main__':
    unittest.main(verbosity=2)
