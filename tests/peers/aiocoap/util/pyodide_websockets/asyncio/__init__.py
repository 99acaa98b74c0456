# SPDX-FileCopyrightText: Christian Amsüss and the aiocoap contributors
#
# SPDX-License-Identifier: MIT

# Re-exporting because aiocoap.transports.ws otherwise has a hard time getting
# the import right
from . import client as client, connection as connection, server as server
