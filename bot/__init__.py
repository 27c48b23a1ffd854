"""Messaging channels (Telegram, Zalo OA): thin adapters over ``Assistant``."""
