"""Who may read and make Board packs.

The pack is read by the people who hold the partnership to account (Board members, the Business Group, the
Independent Scrutineer) and by the partnership team, who make it.
"""

import rules

from cscp.permissions import can_read_partnership, is_partnership_admin

rules.add_perm("boardpack.view", can_read_partnership)
rules.add_perm("boardpack.generate", is_partnership_admin)
# Sending a pack to the Board and setting packs out are the partnership team's.
rules.add_perm("boardpack.send", is_partnership_admin)
rules.add_perm("boardpack.manage_settings", is_partnership_admin)
