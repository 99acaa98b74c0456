#!/usr/bin/python3
"""Fails when any public symbol of CoapUdp6 is not introspectable.

Reads the GIR for introspectable="0" (g-ir-scanner marks a symbol so when an
annotation is missing or wrong), then loads the typelib through GIRepository
and checks that every function, method and constructor of the GIR is in it,
that every symbol exported by the shared library is in the GIR and that
every returned GPtrArray names its element type.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import gi
gi.require_version('GIRepository', '2.0')
from gi.repository import GIRepository  # noqa: E402

NS = {'core': 'http://www.gtk.org/introspection/core/1.0',
      'c': 'http://www.gtk.org/introspection/c/1.0'}
C_ID = '{http://www.gtk.org/introspection/c/1.0}identifier'


def main():
    builddir = os.environ['COAP_UDP6_BUILDDIR']
    gir = os.path.join(builddir, 'coap-udp6', 'CoapUdp6-1.0.gir')
    lib = os.path.join(builddir, 'coap-udp6', 'libcoap-udp6-1.0.so')
    root = ET.parse(gir).getroot()
    problems = []

    for el in root.iter():
        if el.get('introspectable') == '0' and \
                not el.tag.endswith('function-macro'):
            name = el.get(C_ID) or el.get('name')
            problems.append(f'not introspectable: {el.tag.split("}")[1]} {name}')

    for el in root.iter():
        if el.tag.split('}')[1] not in ('function', 'method', 'constructor'):
            continue
        ret = el.find('core:return-value', NS)
        if ret is None:
            continue
        name = el.get(C_ID)
        array = ret.find('core:array', NS)
        if array is not None and array.get('name') == 'GLib.PtrArray':
            element = array.find('core:type', NS)
            if element is None or element.get('name') in (None, 'gpointer'):
                problems.append(f'GPtrArray without element-type: {name}')

    # A function shadowed by a (rename-to) one is left out of the typelib.
    gir_functions = {el.get(C_ID) for el in root.iter()
                     if el.get(C_ID) and el.tag.split('}')[1] in
                     ('function', 'method', 'constructor')
                     and not el.get('shadowed-by')}

    repo = GIRepository.Repository.get_default()
    repo.prepend_search_path(os.path.join(builddir, 'coap-udp6'))
    repo.require('CoapUdp6', '1.0', 0)
    typelib_functions = set()
    for i in range(repo.get_n_infos('CoapUdp6')):
        info = repo.get_info('CoapUdp6', i)
        collect(info, typelib_functions)
    for sym in sorted(gir_functions - typelib_functions):
        problems.append(f'in the GIR but not the typelib: {sym}')

    nm = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                        capture_output=True, text=True).stdout
    exported = {line.split()[-1] for line in nm.splitlines()
                if ' T ' in line and line.split()[-1].startswith('coap_udp6_')}
    gir_symbols = {el.get(C_ID) for el in root.iter() if el.get(C_ID)}
    gir_symbols |= {el.get('{http://www.gtk.org/introspection/glib/1.0}get-type')
                    for el in root.iter()}
    for sym in sorted(exported - gir_symbols):
        problems.append(f'exported but not in the GIR: {sym}')

    for p in problems:
        print(p)
    print(f'{len(gir_functions)} functions checked, {len(exported)} exported '
          f'symbols, {len(problems)} problems')
    return 1 if problems else 0


def collect(info, out):
    kind = info.get_type()
    T = GIRepository.InfoType
    if kind == T.FUNCTION:
        out.add(GIRepository.function_info_get_symbol(info))
        return
    getters = {
        T.OBJECT: (GIRepository.object_info_get_n_methods,
                   GIRepository.object_info_get_method),
        T.INTERFACE: (GIRepository.interface_info_get_n_methods,
                      GIRepository.interface_info_get_method),
        T.STRUCT: (GIRepository.struct_info_get_n_methods,
                   GIRepository.struct_info_get_method),
        T.BOXED: (GIRepository.struct_info_get_n_methods,
                  GIRepository.struct_info_get_method),
        T.ENUM: (GIRepository.enum_info_get_n_methods,
                 GIRepository.enum_info_get_method),
        T.FLAGS: (GIRepository.enum_info_get_n_methods,
                  GIRepository.enum_info_get_method),
    }
    if kind in getters:
        n, get = getters[kind]
        for i in range(n(info)):
            out.add(GIRepository.function_info_get_symbol(get(info, i)))


if __name__ == '__main__':
    sys.exit(main())
