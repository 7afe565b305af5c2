import express, { type Router } from 'express';
import type { BankContext } from './berlin-group.router';

export function stetBank(_ctx: BankContext): Router {
  return express.Router();
}
