"""Rankings: scoring rules (RICE, WSJF, alignment multipliers), the ranking order and which ranking
entries an item has.
"""
