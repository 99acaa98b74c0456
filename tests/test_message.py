#!/usr/bin/python3
# test_message.py: the message API from PyGObject
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib  # noqa: E402

MT = CoapUdp6.MessageType
Code = CoapUdp6.Code
Opt = CoapUdp6.OptionNumber


def vectors():
    kf = GLib.KeyFile()
    path = os.path.join(os.environ.get('COAP_UDP6_DATADIR', 'data'),
                        'message-vectors.keyfile')
    kf.load_from_file(path, GLib.KeyFileFlags.NONE)
    groups, _ = kf.get_groups()
    for group in groups:
        yield group, {k: kf.get_value(group, k) for k in kf.get_keys(group)[0]}


def raw(data):
    return data.get_data() or b''


class TestVectors(unittest.TestCase):
    def test_every_vector(self):
        count = 0
        for name, case in vectors():
            with self.subTest(vector=name):
                wire = GLib.Bytes.new(bytes.fromhex(case['hex']))
                if 'error' in case:
                    self.check_malformed(wire, case)
                else:
                    self.check_valid(wire, case)
            count += 1
        self.assertGreaterEqual(count, 40)

    def check_valid(self, wire, case):
        msg = CoapUdp6.Message.decode(wire, None)
        self.assertEqual(int(msg.props.mtype), int(case['mtype']))
        self.assertEqual(msg.props.code, int(case['code']))
        self.assertEqual(msg.props.mid, int(case['mid']))
        self.assertEqual(raw(msg.props.token).hex(), case['token'])
        self.assertEqual(raw(msg.props.payload).hex(), case['payload'])
        expected = [o.split(':') for o in case['options'].split(';') if o]
        got = []
        for i in range(msg.get_n_options()):
            value, number = msg.get_nth_option(i)
            got.append([str(number), raw(value).hex()])
        self.assertEqual(got, expected)
        self.assertEqual(raw(msg.encode()), bytes.fromhex(case['hex']))
        if 'to_string' in case:
            self.assertEqual(msg.to_string(), case['to_string'])

    def check_malformed(self, wire, case):
        with self.assertRaises(GLib.Error) as cm:
            CoapUdp6.Message.decode(wire, None)
        err = cm.exception
        self.assertTrue(err.matches(CoapUdp6.error_quark(),
                                    CoapUdp6.Error.UNPARSABLE))
        self.assertEqual(err.domain, 'coap-udp6-error-quark')
        self.assertIn(case['error'], err.message)
        ok, mtype, code, mid = CoapUdp6.Message.peek_header(wire)
        self.assertEqual(ok, case['peek'] == 'true')

    def test_load_reuses_one_message(self):
        reused = CoapUdp6.Message.new(MT.NON, Code.POST)
        for name, case in vectors():
            with self.subTest(vector=name):
                wire = GLib.Bytes.new(bytes.fromhex(case['hex']))
                reused.set_payload(b'stale')
                if 'error' in case:
                    with self.assertRaises(GLib.Error) as cm:
                        reused.load(wire, None)
                    self.assertTrue(cm.exception.matches(
                        CoapUdp6.error_quark(), CoapUdp6.Error.UNPARSABLE))
                    self.assertIn(case['error'], cm.exception.message)
                    self.assertEqual(reused.props.code, 0)
                    self.assertEqual(raw(reused.props.payload), b'')
                    continue
                self.assertTrue(reused.load(wire, None))
                self.assertEqual(reused.props.mid, int(case['mid']))
                self.assertEqual(raw(reused.props.payload).hex(),
                                 case['payload'])
                self.assertEqual(raw(reused.encode()),
                                 bytes.fromhex(case['hex']))


class TestRequest(unittest.TestCase):
    def test_request_from_uri(self):
        req = CoapUdp6.Message.new(MT.CON, Code.GET)
        req.set_request_uri('coap://Sensor.example:61616/%7Euser/a%2Fb?x=1')
        req.props.mid = 0x1234
        req.props.token = GLib.Bytes.new(b'\xca\xfe')
        req.set_accept(50)
        req.set_observe(0)
        req.set_block2(CoapUdp6.BlockOption.new(0, False, 6))

        self.assertEqual(req.get_uri_path(), ['~user', 'a/b'])
        self.assertEqual(req.get_uri_query(), ['x=1'])
        self.assertEqual(req.get_uri_host(), 'sensor.example')
        self.assertEqual(req.props.unresolved_remote, 'sensor.example:61616')
        self.assertIsNone(req.props.requested_scheme)
        self.assertEqual(req.get_request_uri(),
                         'coap://sensor.example:61616/~user/a%2Fb?x=1')

        back = CoapUdp6.Message.decode(req.encode(), None)
        self.assertEqual(back.props.mtype, MT.CON)
        self.assertEqual(back.props.code, Code.GET)
        self.assertEqual(raw(back.props.token), b'\xca\xfe')
        self.assertEqual(back.get_accept(), (True, 50))
        self.assertEqual(back.get_observe(), (True, 0))
        self.assertEqual(back.get_block2().get_size(), 1024)
        self.assertEqual(back.get_content_format(), (False, 0))
        self.assertEqual(back.to_string(),
                         'CON GET mid=4660 token=cafe /~user/a%2Fb?x=1 (0 bytes)')

    def test_ip_literal_is_not_uri_host(self):
        req = CoapUdp6.Message(mtype=MT.NON, code=Code.GET)
        req.set_request_uri('coap://[fe80::1%25eth0]:5683/.well-known/core')
        self.assertIsNone(req.get_uri_host())
        self.assertEqual(req.props.unresolved_remote, '[fe80::1%eth0]')
        req.set_request_uri('coap+tcp://h/')
        self.assertEqual(req.props.requested_scheme, 'coap+tcp')

    def test_bad_uri(self):
        req = CoapUdp6.Message.new(MT.CON, Code.GET)
        with self.assertRaises(GLib.Error) as cm:
            req.set_request_uri('coap://h/#fragment')
        self.assertTrue(cm.exception.matches(CoapUdp6.error_quark(),
                                             CoapUdp6.Error.INVALID_URI))

    def test_response_with_payload(self):
        rsp = CoapUdp6.Message(mtype=MT.ACK, code=Code.CONTENT, mid=7,
                               payload=GLib.Bytes.new(b'22.5 C'))
        rsp.set_content_format(0)
        rsp.set_max_age(30)
        wire = raw(rsp.encode())
        # Content-Format 0 (empty), Max-Age 30, payload marker, payload
        self.assertEqual(wire, bytes.fromhex('60450007' 'c0' '211e' 'ff') +
                         b'22.5 C')
        self.assertTrue(CoapUdp6.code_is_successful(rsp.props.code))
        self.assertTrue(Code.is_successful(Code.CONTENT))
        self.assertEqual(CoapUdp6.code_to_string(rsp.props.code), '2.05 Content')


class TestOptions(unittest.TestCase):
    def test_generic_options(self):
        msg = CoapUdp6.Message.new(MT.CON, Code.POST)
        msg.add_option(Opt.URI_QUERY, GLib.Bytes.new(b'b'))
        msg.add_option(Opt.URI_PATH, GLib.Bytes.new(b'a'))
        msg.add_option(65000, GLib.Bytes.new(b'\x00\x01'))
        self.assertEqual([raw(v) for v in msg.get_option_values(Opt.URI_PATH)],
                         [b'a'])
        numbers = [msg.get_nth_option(i)[1] for i in range(msg.get_n_options())]
        self.assertEqual(numbers, [11, 15, 65000])
        self.assertEqual(msg.remove_option(Opt.URI_QUERY), 1)
        self.assertFalse(msg.has_option(Opt.URI_QUERY))
        self.assertTrue(msg.check_options())

    def test_check_options(self):
        msg = CoapUdp6.Message.new(MT.CON, Code.GET)
        msg.add_option(2049, None)
        with self.assertRaises(GLib.Error) as cm:
            msg.check_options()
        self.assertIn('unknown critical option 2049', cm.exception.message)
        self.assertEqual(len(msg.get_option_problems()), 1)

    def test_option_properties(self):
        self.assertTrue(CoapUdp6.option_is_critical(Opt.URI_HOST))
        self.assertTrue(CoapUdp6.option_is_unsafe(Opt.URI_HOST))
        self.assertTrue(CoapUdp6.option_is_no_cache_key(Opt.SIZE1))
        self.assertEqual(CoapUdp6.option_get_length_range(Opt.ECHO),
                         (True, 1, 40))
        self.assertEqual(CoapUdp6.option_get_name(Opt.ETAG), 'ETag')

    def test_encode_error(self):
        # An empty message (code 0.00) has no token (RFC 7252 §4.1).
        msg = CoapUdp6.Message.new(MT.ACK, Code.EMPTY)
        msg.props.token = GLib.Bytes.new(b'1')
        with self.assertRaises(GLib.Error) as cm:
            msg.encode()
        self.assertTrue(cm.exception.matches(CoapUdp6.error_quark(),
                                             CoapUdp6.Error.INVALID_MESSAGE))


if __name__ == '__main__':
    unittest.main()
