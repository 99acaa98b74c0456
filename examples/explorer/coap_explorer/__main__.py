# python3 -m coap_explorer: runs CoAP Explorer from the source tree.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import sys

from .application import main

sys.exit(main())
