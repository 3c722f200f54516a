"""The billing engine: pure Python and Decimal, no Qt (a test enforces it).

The command line, the window and the frozen self-test all call this package.
"""
