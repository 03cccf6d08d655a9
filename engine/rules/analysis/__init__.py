"""What several rules need to know about one procedure, computed once and shared.

Facts about the state graph and the flow of answers, and the value domains guards are tried
on. Reports nothing itself; may import `engine.base`, `engine.load` and `engine.model`.
"""
