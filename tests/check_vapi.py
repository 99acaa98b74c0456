#!/usr/bin/python3
# check_vapi.py: a property is nullable in the VAPI when its getter is, and
# no returned array has weak (unowned) elements
#
# GObject-Introspection 1.74 cannot mark properties nullable, nor say that a
# (transfer container) GPtrArray frees its elements, so
# coap-udp6/CoapUdp6-1.0.metadata does; this catches a property or a
# GPtrArray-returning function added without its metadata line.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import re
import sys


def mismatches(vapi):
    klass = None
    getters = {}
    properties = []
    for line in vapi.splitlines():
        m = re.match(r'\tpublic (?:abstract |sealed )?(?:class|interface) (\w+)', line)
        if m:
            klass = m.group(1)
            continue
        m = re.match(r'\t\tpublic (?:unowned |owned )?(\S+) get_(\w+) \(\);', line)
        if m:
            getters[(klass, m.group(2))] = m.group(1)
            continue
        m = re.match(r'\t\tpublic (?:owned )?(\S+) (\w+) \{', line)
        if m:
            properties.append((klass, m.group(2), m.group(1)))
    problems = ['%s.%s is %s but get_%s returns %s' % (k, name, t, name, getters[(k, name)])
                for k, name, t in properties
                if getters.get((k, name), '').endswith('?') and not t.endswith('?')]
    problems += ['weak elements: ' + line.strip()
                 for line in vapi.splitlines() if 'GenericArray<weak ' in line]
    return problems


def main():
    with open(sys.argv[1]) as f:
        vapi = f.read()
    if 'class Resource' not in vapi:
        sys.exit('%s does not look like the coap-udp6 VAPI' % sys.argv[1])
    problems = mismatches(vapi)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
